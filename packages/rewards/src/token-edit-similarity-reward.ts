// SRL §4.2 step reward with a token-level edit distance in place of difflib's character matching (character
// matching punishes paraphrases; reviewers of the paper asked for alternatives). Same parsing and format rule
// as step-similarity (score-srl-similarity.ts).
//
// similarity = 1 - lev(model, expert) / max(|model|, |expert|), 1 when both are empty: Levenshtein distance with
// unit-cost insertions, deletions and substitutions, normalised by the longer sequence. Why this normalisation and
// not difflib's 2M/T: with substitutions, one replaced word costs one edit (not a deletion plus an insertion), the
// value stays in [0, 1] (lev <= max length) and is 1 only for identical sequences; and 2M/T over an indel-only
// alignment equals 2·LCS/(|a|+|b|), which is ROUGE-L's F1 — the rouge-l reward already gives that.
import { definePlugin, optionalService, REWARD_SPEC_VERSION, TokenEncoder, type OptionalService, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { checkStepHeaderPattern, scoreSrlSimilarity, SRL_SIMILARITY_DEFAULTS, SRL_SIMILARITY_SCHEMA_PROPERTIES, type SrlSimilarityOptions } from './score-srl-similarity';
import { levenshteinDistance } from './similarity/levenshtein-distance';
import { checkTokenSource, TOKEN_SEQUENCE_DEFAULTS, TOKEN_SEQUENCE_SCHEMA_PROPERTIES, tokenSequences, type TokenSequenceOptions } from './similarity/token-sequences';

export interface TokenEditSimilarityOptions extends SrlSimilarityOptions, TokenSequenceOptions {}

export const TOKEN_EDIT_SIMILARITY_DEFAULTS: TokenEditSimilarityOptions = { ...SRL_SIMILARITY_DEFAULTS, ...TOKEN_SEQUENCE_DEFAULTS };

/** similarity = 1 - lev(a, b) / max(|a|, |b|) (1 for two empty sequences), and the distance lev(a, b). */
export function tokenEditSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): { similarity: number; distance: number } {
  const distance = levenshteinDistance(a, b);
  const longest = Math.max(a.length, b.length);
  return { similarity: longest === 0 ? 1 : 1 - distance / longest, distance };
}

/**
 * Components: `similarity`, `format_ok` and `distance` (the Levenshtein distance in tokens; null when not scored).
 */
export class TokenEditSimilarityReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'token-edit-similarity';
  private readonly options: TokenEditSimilarityOptions;

  /** `tokenizer` is needed only for `tokens: "policy"`. */
  constructor(
    options: Partial<TokenEditSimilarityOptions> = {},
    private readonly tokenizer?: TokenEncoder,
  ) {
    this.options = { ...TOKEN_EDIT_SIMILARITY_DEFAULTS, ...options };
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
      extraComponents: ['distance'],
      similarity: (model, expert) => {
        const { similarity, distance } = tokenEditSimilarity(sequence(model), sequence(expert));
        return { similarity, components: { distance } };
      },
    });
  }
}

/** The `token-edit-similarity` reward plugin. */
export const tokenEditSimilarityPlugin = definePlugin<'reward', TokenEditSimilarityOptions, { tokenizer: OptionalService<TokenEncoder> }>({
  kind: 'reward',
  name: 'token-edit-similarity',
  description: "SRL step reward: 1 - Levenshtein distance / longer length over word, character or policy tokens of the model's and the expert's step, formatPenalty on a format error",
  optionsSchema: {
    type: 'object',
    properties: { ...SRL_SIMILARITY_SCHEMA_PROPERTIES, ...TOKEN_SEQUENCE_SCHEMA_PROPERTIES },
    additionalProperties: false,
  },
  // The stage's tokenizer (the trained policy's), for tokens: "policy"; absent outside training.
  inject: { tokenizer: optionalService(TokenEncoder) },
  defaults: TOKEN_EDIT_SIMILARITY_DEFAULTS,
  create(options, deps) {
    return new TokenEditSimilarityReward(options, deps.tokenizer);
  },
});
