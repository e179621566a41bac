import { Default, defineReward, Type, type PluginOptions } from '@srl/core';

// The options, declared once: the schema srl validates, the type below and the defaults.
const tokenF1Options = Type.Object(
  {
    lowercase: Default(Type.Boolean({ description: 'compare case-insensitively' }), true),
    stripPunctuation: Default(Type.Boolean({ description: 'ignore punctuation and symbols' }), true),
    /** F-beta: beta > 1 weighs recall (covering the expert step) more than precision. */
    beta: Default(Type.Number({ exclusiveMinimum: 0, description: 'F-beta weight of recall' }), 1),
  },
  { additionalProperties: false },
);
export type TokenF1Options = PluginOptions<typeof tokenF1Options>;

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

/** The `token-f1` reward: a plain batched function, one value per input (TRL-style), made a plugin by defineReward. */
export const tokenF1Plugin = defineReward(
  'token-f1',
  async (inputs, options) =>
    inputs.map(({ completion, reference }) => {
      // No reference: the reward does not apply (null), it is not a zero.
      if (reference === undefined) return { reward: null, components: { precision: null, recall: null } };
      // Score only what follows the monologue, like SRL's similarity reward.
      const action = completion.includes('</think>') ? completion.slice(completion.lastIndexOf('</think>') + 8) : completion;
      const { f, precision, recall } = tokenF1(action, reference, options);
      return { reward: f, components: { precision, recall } };
    }),
  { description: 'token-level F-beta between the step after </think> and the expert step', options: tokenF1Options },
);
