// SRL §4.2 step reward with ROUGE-L (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries", §3.1) in
// place of difflib: the F-measure of the longest common subsequence of the model's and the expert's tokens. Same
// parsing and format rule as step-similarity (score-srl-similarity.ts).
//   P = LCS / |model|, R = LCS / |expert|, F = (1 + β²)·P·R / (R + β²·P)   (F = 0 when LCS = 0; 1 for two empty texts)
// β = 1 (default) is F1 = 2·LCS / (|model| + |expert|), as Google's rouge-score reports; a larger β weighs recall.
import { definePlugin, optionalService, REWARD_SPEC_VERSION, TokenEncoder, type OptionalService, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { checkStepHeaderPattern, scoreSrlSimilarity, SRL_SIMILARITY_DEFAULTS, SRL_SIMILARITY_SCHEMA_PROPERTIES, type SrlSimilarityOptions } from './score-srl-similarity';
import { lcsLength } from './similarity/lcs-length';
import { checkTokenSource, TOKEN_SEQUENCE_DEFAULTS, TOKEN_SEQUENCE_SCHEMA_PROPERTIES, tokenSequences, type TokenSequenceOptions } from './similarity/token-sequences';

export interface RougeLOptions extends SrlSimilarityOptions, TokenSequenceOptions {
  /** β of the F-measure (default 1: F1); recall counts β times as much as precision. */
  beta: number;
}

export const ROUGE_L_DEFAULTS: RougeLOptions = { ...SRL_SIMILARITY_DEFAULTS, ...TOKEN_SEQUENCE_DEFAULTS, beta: 1 };

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
export class RougeLReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'rouge-l';
  private readonly options: RougeLOptions;

  /** `tokenizer` is needed only for `tokens: "policy"`. */
  constructor(
    options: Partial<RougeLOptions> = {},
    private readonly tokenizer?: TokenEncoder,
  ) {
    this.options = { ...ROUGE_L_DEFAULTS, ...options };
    checkStepHeaderPattern(this.name, this.options.stepHeaderPattern);
    checkTokenSource(this.name, this.options, tokenizer);
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    return this.scoreSync(inputs);
  }

  /** The synchronous core of {@link score}. */
  scoreSync(inputs: readonly RewardInput[]): RewardResult[] {
    const sequence = tokenSequences(this.options, this.tokenizer);
    return scoreSrlSimilarity({
      name: this.name,
      inputs,
      options: this.options,
      extraComponents: ['precision', 'recall'],
      similarity: (model, expert) => {
        const { precision, recall, f } = rougeL(sequence(model), sequence(expert), this.options.beta);
        return { similarity: f, components: { precision, recall } };
      },
    });
  }
}

/** The `rouge-l` reward plugin. */
export const rougeLPlugin = definePlugin<'reward', RougeLOptions, { tokenizer: OptionalService<TokenEncoder> }>({
  kind: 'reward',
  name: 'rouge-l',
  description: "SRL step reward: ROUGE-L F-measure (longest common subsequence) over word, character or policy tokens of the model's and the expert's step, formatPenalty on a format error",
  optionsSchema: {
    type: 'object',
    properties: {
      ...SRL_SIMILARITY_SCHEMA_PROPERTIES,
      ...TOKEN_SEQUENCE_SCHEMA_PROPERTIES,
      beta: { type: 'number', exclusiveMinimum: 0, description: 'β of the F-measure: 1 is F1; larger weighs recall more' },
    },
    additionalProperties: false,
  },
  // The stage's tokenizer (the trained policy's), for tokens: "policy"; absent outside training.
  inject: { tokenizer: optionalService(TokenEncoder) },
  defaults: ROUGE_L_DEFAULTS,
  create(options, deps) {
    return new RougeLReward(options, deps.tokenizer);
  },
});
