import { Default, definePlugin, pluginRefSchema, PluginRefType, StringEnum, Type, type PluginOptions, type PluginRef } from '@srl/core';
import { GatedReward } from './gated-reward';

/** gated's options, declared once. */
export const gatedOptions = Type.Object(
  {
    gate: PluginRefType({ description: 'reward deciding the branch' }),
    when: Default(StringEnum(['at-least', 'applies'], { description: 'at-least: gate >= threshold; applies: gate is not null' }), 'at-least'),
    threshold: Default(Type.Number(), 1),
    then: Default(
      Type.Unsafe<PluginRef | null>({
        ...pluginRefSchema,
        type: ['string', 'array', 'null'],
        description: "reward when the gate passes (null: the gate's own)",
      }),
      null,
    ),
    otherwise: Default(
      Type.Unsafe<PluginRef | number | null>({
        ...pluginRefSchema,
        type: ['string', 'array', 'number', 'null'],
        description: 'fallback: a reward, a constant, or null',
      }),
      null,
    ),
  },
  { additionalProperties: false },
);
export type GatedOptions = PluginOptions<typeof gatedOptions>;

/** `gated`: a gate reward picks, per sample, the `then` reward or the `otherwise` fallback. */
export const gatedPlugin = definePlugin({
  kind: 'reward',
  name: 'gated',
  description: 'a gate reward picks per sample: then-reward when it passes, otherwise a fallback (reward, constant or null)',
  options: gatedOptions,
  references: (options) => [
    { kind: 'reward', ref: options.gate, path: 'gate' },
    ...(options.then === null ? [] : [{ kind: 'reward' as const, ref: options.then, path: 'then' }]),
    ...(options.otherwise === null || typeof options.otherwise === 'number' ? [] : [{ kind: 'reward' as const, ref: options.otherwise, path: 'otherwise' }]),
  ],
  async create(options, deps) {
    const gate = await deps.create('reward', options.gate, 'gate');
    const then = options.then === null ? null : await deps.create('reward', options.then, 'then');
    const otherwise =
      options.otherwise === null || typeof options.otherwise === 'number' ? options.otherwise : await deps.create('reward', options.otherwise, 'otherwise');
    return new GatedReward(gate, { when: options.when, threshold: options.threshold }, then, otherwise);
  },
});
