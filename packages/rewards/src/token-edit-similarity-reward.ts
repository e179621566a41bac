// SRL §4.2 step reward with a token-level edit distance in place of difflib's character matching (character
// matching punishes paraphrases; reviewers of the paper asked for alternatives). Same parsing and format rule
// as step-similarity (score-srl-similarity.ts).
//
// similarity = 1 - lev(model, expert) / max(|model|, |expert|), 1 when both are empty: Levenshtein distance with
// unit-cost insertions, deletions and substitutions, normalised by the longer sequence. Why this normalisation and
// not difflib's 2M/T: with substitutions, one replaced word costs one edit (not a deletion plus an insertion), the
// value stays in [0, 1] (lev <= max length) and is 1 only for identical sequences; and 2M/T over an indel-only
// alignment equals 2·LCS/(|a|+|b|), which is ROUGE-L's F1 — the rouge-l reward already gives that.
import { schemaDefaults, Type, type PluginOptions, type TokenEncoder } from '@srl/core';
import { SRL_SIMILARITY_SCHEMA_PROPERTIES } from './score-srl-similarity';
import { levenshteinDistance } from './similarity/levenshtein-distance';
import { TOKEN_SEQUENCE_SCHEMA_PROPERTIES } from './similarity/token-sequences';
import { TokenSimilarityReward, tokenSimilarityPlugin, type TokenPairSimilarity } from './token-similarity-reward';

/** token-edit-similarity's options, declared once: how to read a completion and what tokens to compare. */
export const tokenEditSimilarityOptions = Type.Object(
  { ...SRL_SIMILARITY_SCHEMA_PROPERTIES, ...TOKEN_SEQUENCE_SCHEMA_PROPERTIES },
  { additionalProperties: false },
);
export type TokenEditSimilarityOptions = PluginOptions<typeof tokenEditSimilarityOptions>;
export const TOKEN_EDIT_SIMILARITY_DEFAULTS: TokenEditSimilarityOptions = schemaDefaults(tokenEditSimilarityOptions);

/** similarity = 1 - lev(a, b) / max(|a|, |b|) (1 for two empty sequences), and the distance lev(a, b). */
export function tokenEditSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): { similarity: number; distance: number } {
  const distance = levenshteinDistance(a, b);
  const longest = Math.max(a.length, b.length);
  return { similarity: longest === 0 ? 1 : 1 - distance / longest, distance };
}

/**
 * Components: `similarity`, `format_ok` and `distance` (the Levenshtein distance in tokens; null when not scored).
 */
export class TokenEditSimilarityReward extends TokenSimilarityReward<TokenEditSimilarityOptions> {
  /** `tokenizer` is needed only for `tokens: "policy"`. */
  constructor(options: Partial<TokenEditSimilarityOptions> = {}, tokenizer?: TokenEncoder) {
    super('token-edit-similarity', { ...TOKEN_EDIT_SIMILARITY_DEFAULTS, ...options }, ['distance'], tokenizer);
  }

  protected pair(model: Int32Array, expert: Int32Array): ReturnType<TokenPairSimilarity> {
    const { similarity, distance } = tokenEditSimilarity(model, expert);
    return { similarity, components: { distance } };
  }
}

/** The `token-edit-similarity` reward plugin. */
export const tokenEditSimilarityPlugin = tokenSimilarityPlugin({
  name: 'token-edit-similarity',
  description:
    "SRL step reward: 1 - Levenshtein distance / longer length over word, character or policy tokens of the model's and the expert's step, formatPenalty on a format error",
  options: tokenEditSimilarityOptions,
  create: (options, tokenizer) => new TokenEditSimilarityReward(options, tokenizer),
});
