import { definePlugin, REWARD_SPEC_VERSION, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';

export interface TokenF1Options {
  lowercase: boolean;
  stripPunctuation: boolean;
  /** F-beta: beta > 1 weighs recall (covering the expert step) more than precision. */
  beta: number;
}

/** Splits text into word tokens (Unicode letters/digits runs, or single symbols). */
export function tokenize(text: string, { lowercase, stripPunctuation }: Omit<TokenF1Options, 'beta'>): string[] {
  const source = lowercase ? text.toLowerCase() : text;
  const tokens = source.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
  return stripPunctuation ? tokens.filter((t) => /[\p{L}\p{N}]/u.test(t)) : tokens;
}

/** Bag-of-tokens F-beta between a prediction and a reference (SQuAD-style), in [0, 1]. */
export function tokenF1(prediction: string, reference: string, options: TokenF1Options): { f: number; precision: number; recall: number } {
  const pred = tokenize(prediction, options);
  const ref = tokenize(reference, options);
  if (pred.length === 0 && ref.length === 0) return { f: 1, precision: 1, recall: 1 };
  const counts = new Map<string, number>();
  for (const t of ref) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of pred) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common++;
      counts.set(t, left - 1);
    }
  }
  if (common === 0) return { f: 0, precision: 0, recall: 0 };
  const precision = common / pred.length;
  const recall = common / ref.length;
  const b2 = options.beta * options.beta;
  return { f: ((1 + b2) * precision * recall) / (b2 * precision + recall), precision, recall };
}

class TokenF1Reward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'token-f1';
  constructor(private readonly options: TokenF1Options) {}

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    return inputs.map(({ completion, reference }) => {
      // No reference: the reward does not apply (null), it is not a zero.
      if (reference === undefined) return { reward: null, components: { precision: null, recall: null } };
      // Score only what follows the monologue, like SRL's similarity reward.
      const action = completion.includes('</think>') ? completion.slice(completion.lastIndexOf('</think>') + 8) : completion;
      const { f, precision, recall } = tokenF1(action, reference, this.options);
      return { reward: f, components: { precision, recall } };
    });
  }
}

export const tokenF1Plugin = definePlugin<'reward', TokenF1Options>({
  kind: 'reward',
  name: 'token-f1',
  description: 'token-level F-beta between the step after </think> and the expert step',
  optionsSchema: {
    type: 'object',
    properties: {
      lowercase: { type: 'boolean', description: 'compare case-insensitively' },
      stripPunctuation: { type: 'boolean', description: 'ignore punctuation and symbols' },
      beta: { type: 'number', exclusiveMinimum: 0, description: 'F-beta weight of recall' },
    },
    additionalProperties: false,
  },
  defaults: { lowercase: true, stripPunctuation: true, beta: 1 },
  create: (options) => new TokenF1Reward(options),
});
