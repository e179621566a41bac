import { Default, definePlugin, pluginRefName, PluginRefType, Type, WeightedSumReward, type PluginOptions } from '@srl/core';

/** weighted-sum's options, declared once. */
export const weightedSumOptions = Type.Object(
  {
    rewards: Type.Array(
      Type.Object(
        { reward: PluginRefType(), weight: Default(Type.Number(), 1), label: Type.Optional(Type.String({ minLength: 1 })) },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type WeightedSumOptions = PluginOptions<typeof weightedSumOptions>;

/**
 * `weighted-sum`: Σ wᵢ·rᵢ of other rewards. A reward that returns null (does not apply) is left
 * out of the sum, never counted as 0; the sum is null when none applies. Each part's value and
 * components are logged under its label.
 */
export const weightedSumPlugin = definePlugin({
  kind: 'reward',
  name: 'weighted-sum',
  description: 'weighted sum of other rewards; null rewards are left out, never counted as 0',
  options: weightedSumOptions,
  references: (options) => options.rewards.map((part, i) => ({ kind: 'reward', ref: part.reward, path: `rewards[${i}].reward` })),
  async create(options, deps) {
    const parts = await Promise.all(
      options.rewards.map(async (part, i) => ({
        model: await deps.create('reward', part.reward, `rewards[${i}].reward`),
        weight: part.weight,
        label: part.label ?? pluginRefName(part.reward),
      })),
    );
    return new WeightedSumReward(parts);
  },
});
