// SRL §4.2 step reward with ROUGE-L (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries", §3.1) in
// place of difflib: the F-measure of the longest common subsequence of the model's and the expert's tokens. Same
// parsing and format rule as step-similarity (score-srl-similarity.ts).
//   P = LCS / |model|, R = LCS / |expert|, F = (1 + β²)·P·R / (R + β²·P)   (F = 0 when LCS = 0; 1 for two empty texts)
// β = 1 (default) is F1 = 2·LCS / (|model| + |expert|), as Google's rouge-score reports; a larger β weighs recall.
import { Default, schemaDefaults, Type, type PluginOptions, type TokenEncoder } from '@srl/core';
import { SRL_SIMILARITY_SCHEMA_PROPERTIES } from './score-srl-similarity';
import { lcsLength } from './similarity/lcs-length';
import { TOKEN_SEQUENCE_SCHEMA_PROPERTIES } from './similarity/token-sequences';
import { TokenSimilarityReward, tokenSimilarityPlugin, type TokenPairSimilarity } from './token-similarity-reward';

/** rouge-l's options, declared once: how to read a completion, what tokens to compare, and β. */
export const rougeLOptions = Type.Object(
  {
    ...SRL_SIMILARITY_SCHEMA_PROPERTIES,
    ...TOKEN_SEQUENCE_SCHEMA_PROPERTIES,
    /** Recall counts β times as much as precision. */
    beta: Default(Type.Number({ exclusiveMinimum: 0, description: 'β of the F-measure: 1 is F1; larger weighs recall more' }), 1),
  },
  { additionalProperties: false },
);
export type RougeLOptions = PluginOptions<typeof rougeLOptions>;
export const ROUGE_L_DEFAULTS: RougeLOptions = schemaDefaults(rougeLOptions);

/** ROUGE-L precision, recall and F_β of a candidate (model) against a reference (expert) token sequence. */
export function rougeL(candidate: ArrayLike<number>, reference: ArrayLike<number>, beta = 1): { precision: number; recall: number; f: number } {
  if (candidate.length === 0 && reference.length === 0) return { precision: 1, recall: 1, f: 1 };
  const lcs = lcsLength(candidate, reference);
  if (lcs === 0) return { precision: 0, recall: 0, f: 0 };
  const precision = lcs / candidate.length;
  const recall = lcs / reference.length;
  const b2 = beta * beta;
  return { precision, recall, f: ((1 + b2) * precision * recall) / (recall + b2 * precision) };
}

/** Components: `similarity` (F_β), `format_ok`, `precision` and `recall` (null when not scored). */
export class RougeLReward extends TokenSimilarityReward<RougeLOptions> {
  /** `tokenizer` is needed only for `tokens: "policy"`. */
  constructor(options: Partial<RougeLOptions> = {}, tokenizer?: TokenEncoder) {
    super('rouge-l', { ...ROUGE_L_DEFAULTS, ...options }, ['precision', 'recall'], tokenizer);
  }

  protected pair(model: Int32Array, expert: Int32Array): ReturnType<TokenPairSimilarity> {
    const { precision, recall, f } = rougeL(model, expert, this.options.beta);
    return { similarity: f, components: { precision, recall } };
  }
}

/** The `rouge-l` reward plugin. */
export const rougeLPlugin = tokenSimilarityPlugin({
  name: 'rouge-l',
  description:
    "SRL step reward: ROUGE-L F-measure (longest common subsequence) over word, character or policy tokens of the model's and the expert's step, formatPenalty on a format error",
  options: rougeLOptions,
  create: (options, tokenizer) => new RougeLReward(options, tokenizer),
});
