import { Default, StringEnum, Type, type PluginOptions } from '@srl/core';
import type { PairSimilarity } from '../score-srl-similarity';
import { SimilarityIndex } from './similarity-index';

/** The two open choices of a difflib ratio reward (SRL §4.2 leaves both unspecified), declared once. */
export const DIFFLIB_SCHEMA_PROPERTIES = {
  /** `model-first`: SequenceMatcher(None, model, expert); `expert-first`: SequenceMatcher(None, expert, model). */
  order: Default(StringEnum(['model-first', 'expert-first'], { description: 'model-first: SequenceMatcher(None, model, expert)' }), 'model-first'),
  /** Python's default and so the paper's; it applies to the second sequence. */
  autojunk: Default(Type.Boolean({ description: "difflib's autojunk heuristic (applies to the second sequence)" }), true),
};
const difflibSchema = Type.Object(DIFFLIB_SCHEMA_PROPERTIES);
export type DifflibOptions = PluginOptions<typeof difflibSchema>;

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
