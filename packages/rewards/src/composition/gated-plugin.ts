import { definePlugin, pluginRefSchema, type PluginRef } from '@srl/core';
import { GatedReward } from './gated-reward';

export interface GatedOptions {
  gate: PluginRef;
  when: 'at-least' | 'applies';
  threshold: number;
  then: PluginRef | null;
  otherwise: PluginRef | number | null;
}

/** `gated`: a gate reward picks, per sample, the `then` reward or the `otherwise` fallback. */
export const gatedPlugin = definePlugin<'reward', GatedOptions>({
  kind: 'reward',
  name: 'gated',
  description: 'a gate reward picks per sample: then-reward when it passes, otherwise a fallback (reward, constant or null)',
  optionsSchema: {
    type: 'object',
    properties: {
      gate: { ...pluginRefSchema, description: 'reward deciding the branch' },
      when: { type: 'string', enum: ['at-least', 'applies'], description: 'at-least: gate >= threshold; applies: gate is not null' },
      threshold: { type: 'number' },
      then: { ...pluginRefSchema, type: ['string', 'array', 'null'], description: 'reward when the gate passes (null: the gate\'s own)' },
      otherwise: { ...pluginRefSchema, type: ['string', 'array', 'number', 'null'], description: 'fallback: a reward, a constant, or null' },
    },
    required: ['gate'],
    additionalProperties: false,
  },
  defaults: { when: 'at-least', threshold: 1, then: null, otherwise: null },
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
