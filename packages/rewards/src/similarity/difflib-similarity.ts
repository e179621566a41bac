import type { PairSimilarity } from '../score-srl-similarity';
import { SimilarityIndex } from './similarity-index';

/** The two open choices of a difflib ratio reward (SRL §4.2 leaves both unspecified). */
export interface DifflibOptions {
  /** `model-first`: SequenceMatcher(None, model, expert) (default); `expert-first`: SequenceMatcher(None, expert, model). */
  order: 'model-first' | 'expert-first';
  /** difflib's autojunk (default true, Python's default and so the paper's); it applies to the second sequence. */
  autojunk: boolean;
}

/**
 * A pair similarity for one batch: CPython's `SequenceMatcher.ratio()` (2M/T). With `model-first` the expert text
 * is the second sequence, indexed once per distinct expert text (a group's rollouts share one index).
 */
export function difflibSimilarity(options: DifflibOptions): PairSimilarity {
  const indexes = new Map<string, SimilarityIndex>();
  return (model, expert) => {
    if (options.order === 'expert-first') return new SimilarityIndex(model, { autojunk: options.autojunk }).ratio(expert);
    let index = indexes.get(expert);
    if (!index) indexes.set(expert, (index = new SimilarityIndex(expert, { autojunk: options.autojunk })));
    return index.ratio(model);
  };
}
