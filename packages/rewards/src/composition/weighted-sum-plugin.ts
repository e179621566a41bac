import { definePlugin, pluginRefName, pluginRefSchema, WeightedSumReward, type PluginRef } from '@srl/core';

export interface WeightedSumOptions {
  rewards: { reward: PluginRef; weight: number; label?: string }[];
}

/**
 * `weighted-sum`: Σ wᵢ·rᵢ of other rewards. A reward that returns null (does not apply) is left
 * out of the sum, never counted as 0; the sum is null when none applies. Each part's value and
 * components are logged under its label.
 */
export const weightedSumPlugin = definePlugin<'reward', WeightedSumOptions>({
  kind: 'reward',
  name: 'weighted-sum',
  description: 'weighted sum of other rewards; null rewards are left out, never counted as 0',
  optionsSchema: {
    type: 'object',
    properties: {
      rewards: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            reward: pluginRefSchema,
            weight: { type: 'number', default: 1 },
            label: { type: 'string', minLength: 1 },
          },
          required: ['reward'],
          additionalProperties: false,
        },
      },
    },
    required: ['rewards'],
    additionalProperties: false,
  },
  defaults: {},
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
