/**
 * TRL-style reward functions: a reward is a plain batched function that returns one number per input,
 * or null for "does not apply" (or a full `{ reward, components }`). `defineReward` turns one into an
 * ordinary reward plugin: registered, configured and validated like any other, its results checked by
 * `CheckedReward` wherever srl scores (train, eval, `srl reward`).
 */
import { REWARD_SPEC_VERSION, type RewardInput, type RewardModel, type RewardResult } from '../contracts/reward-model';
import { definePlugin, type PluginDefinition } from './define-plugin';
import { Type, type PluginOptions, type TObject } from './options-schema';

/** What a reward function may return for one input. */
export type RewardValue = number | null | RewardResult;

/** A batched reward function: one value per input, in order. `options` are the plugin's, defaults filled in. */
export type RewardFunction<O> = (inputs: RewardInput[], options: O) => Promise<readonly RewardValue[]> | readonly RewardValue[];

const noOptions = Type.Object({}, { additionalProperties: false });

/**
 * Declares a reward plugin from a batched function: `defineReward('length', async (inputs) => inputs.map((i) =>
 * i.completion.length))`. `options` declares the plugin's options once (a TypeBox object); the function receives
 * them typed, with defaults filled in.
 */
export function defineReward<S extends TObject = typeof noOptions>(
  name: string,
  fn: RewardFunction<PluginOptions<S>>,
  extra: { description?: string; options?: S } = {},
): PluginDefinition<'reward', PluginOptions<S>> {
  return definePlugin({
    kind: 'reward',
    name,
    ...(extra.description !== undefined ? { description: extra.description } : {}),
    options: (extra.options ?? noOptions) as S,
    create: (options: PluginOptions<S>): RewardModel => ({
      specVersion: REWARD_SPEC_VERSION,
      name,
      // Numbers and nulls become results; anything else goes on as it is, for CheckedReward to report.
      score: async (inputs) => {
        const values = await fn(inputs, options);
        return (
          Array.isArray(values) ? values.map((v) => (typeof v === 'number' || v === null ? { reward: v, components: {} } : v)) : values
        ) as RewardResult[];
      },
    }),
  });
}
