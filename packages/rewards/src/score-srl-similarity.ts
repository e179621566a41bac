// SRL §4.2: a similarity reward scores the model's action (the text after </think>) against the expert's, and
// a completion that breaks the format scores formatPenalty (-1). Every similarity reward here (step-similarity,
// token-edit-similarity, rouge-l, solution-similarity) goes through this one function, so they all read the
// completion with the same parser and the same format rule; only the similarity of two texts differs.
import { Default, schemaDefaults, SrlError, StringEnum, Type, type PluginOptions, type RewardInput, type RewardResult } from '@srl/core';
import { parseSrlOutput } from './parsing/parse-srl-output';
import { SRL_OUTPUT_RULES_SCHEMA_PROPERTIES } from './parsing/srl-output-rules-schema';

/** How a similarity reward reads a completion and its reference (shared by every similarity reward), declared once. */
export const SRL_SIMILARITY_SCHEMA_PROPERTIES = {
  /** `think-then-step`: parse `<think>...</think>` then the step; `plain`: the whole completion is the action, untouched. */
  format: Default(
    StringEnum(['think-then-step', 'plain'], { description: 'think-then-step: <think>...</think> then the step; plain: the whole completion, untouched' }),
    'think-then-step',
  ),
  formatPenalty: Default(Type.Number({ description: 'reward of a completion that breaks the format' }), -1),
  /** Collapse every run of whitespace (JS `\s`) to one space and trim, in both texts, before comparing. */
  normalizeWhitespace: Default(Type.Boolean({ description: 'collapse whitespace runs to one space and trim both texts' }), false),
  /** A row without a reference: `error` throws a validation SrlError naming the row; `null` scores it null. */
  missingReference: Default(StringEnum(['error', 'null'], { description: 'a row without reference: throw, or score null' }), 'error'),
  ...SRL_OUTPUT_RULES_SCHEMA_PROPERTIES,
};

const srlSimilaritySchema = Type.Object(SRL_SIMILARITY_SCHEMA_PROPERTIES);
export type SrlSimilarityOptions = PluginOptions<typeof srlSimilaritySchema>;
export const SRL_SIMILARITY_DEFAULTS: Readonly<SrlSimilarityOptions> = Object.freeze(schemaDefaults(srlSimilaritySchema));

/** The similarity of one (model action, expert text) pair, with optional extra components (e.g. precision). */
export type PairSimilarity = (model: string, expert: string) => number | { similarity: number; components: Record<string, number> };

export interface ScoreSrlSimilarityInput {
  /** The reward's name, the first word of every error. */
  name: string;
  inputs: readonly RewardInput[];
  options: SrlSimilarityOptions;
  /** Called once per well-formed row with a reference; may cache per-reference work (one batch). */
  similarity: PairSimilarity;
  /** Names of the extra components `similarity` returns, set to null on rows it does not score. */
  extraComponents?: readonly string[];
}

const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Scores a batch: components `similarity` (null on a format error or a missing reference), `format_ok` (1/0) and
 * the reward's extra components; a row scored null for a missing reference also carries `reference_missing: 1`.
 */
export function scoreSrlSimilarity(o: ScoreSrlSimilarityInput): RewardResult[] {
  const rules = o.options;
  const extra = o.extraComponents ?? [];
  const unscored = (formatOk: number): Record<string, number | null> => {
    const components: Record<string, number | null> = { similarity: null, format_ok: formatOk };
    for (const key of extra) components[key] = null;
    return components;
  };
  return o.inputs.map((input, row): RewardResult => {
    if (typeof input?.completion !== 'string') {
      throw new SrlError('validation', `${o.name}: row ${row}: completion must be a string, got ${describe(input?.completion)}`);
    }
    const reference = input.reference;
    if (reference !== undefined && typeof reference !== 'string') {
      throw new SrlError('validation', `${o.name}: row ${row}: reference must be a string (the expert text), got ${describe(reference)}`);
    }
    let action: string | null = input.completion;
    if (rules.format === 'think-then-step') {
      const parsed = parseSrlOutput(input.completion, rules);
      action = parsed.ok ? parsed.action : null;
    }
    const formatOk = action === null ? 0 : 1;
    if (reference === undefined) {
      if (rules.missingReference === 'error') {
        throw new SrlError(
          'validation',
          `${o.name}: row ${row} has no reference (the expert text to compare with); give every row a "reference", or set missingReference: "null" to score such rows null`,
        );
      }
      return { reward: null, components: { ...unscored(formatOk), reference_missing: 1 } };
    }
    if (action === null) return { reward: rules.formatPenalty, components: unscored(0) };
    const expert = rules.normalizeWhitespace ? normalize(reference) : reference;
    const model = rules.normalizeWhitespace ? normalize(action) : action;
    const scored = o.similarity(model, expert);
    if (typeof scored === 'number') return { reward: scored, components: { similarity: scored, format_ok: 1 } };
    return { reward: scored.similarity, components: { similarity: scored.similarity, format_ok: 1, ...scored.components } };
  });
}

/** Throws a validation SrlError, at construction rather than on the first batch, for a bad step header pattern. */
export function checkStepHeaderPattern(name: string, pattern: string): void {
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    throw new SrlError('validation', `${name}: stepHeaderPattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`);
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
