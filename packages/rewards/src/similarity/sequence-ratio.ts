// SRL §4.2: r = difflib.SequenceMatcher(None, a, b).ratio(). One-call helpers over SimilarityIndex.
import { SimilarityIndex, type Match, type SimilarityOptions } from './similarity-index';
import type { Sequence } from './symbol-table';

/**
 * `difflib.SequenceMatcher(isjunk, a, b, autojunk).ratio()`, equal to CPython 3.11's to the last bit:
 * 2*M/T over code points, 1.0 for two empty strings. Autojunk applies to `b` only, so the ratio is
 * asymmetric. To score many `a` against one `b`, build the index once with {@link createSimilarityIndex}.
 */
export function sequenceRatio(a: Sequence, b: Sequence, options: SimilarityOptions = {}): number {
  return new SimilarityIndex(b, options).ratio(a);
}

/** `get_matching_blocks()`: CPython's list, adjacent blocks merged, ending with `(len(a), len(b), 0)`. */
export function matchingBlocks(a: Sequence, b: Sequence, options: SimilarityOptions = {}): Match[] {
  return new SimilarityIndex(b, options).matchingBlocks(a);
}

/**
 * Indexes `b` (the expert step, with the default model-first order) once; `.ratio(a)` then scores each
 * rollout without rebuilding difflib's b2j. Not re-entrant across threads (scratch buffers are reused).
 */
export function createSimilarityIndex(b: Sequence, options: SimilarityOptions = {}): SimilarityIndex {
  return new SimilarityIndex(b, options);
}
