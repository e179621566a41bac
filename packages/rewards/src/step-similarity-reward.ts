// SRL §4.2: r = difflib.SequenceMatcher ratio between the model's action (the text after </think>) and the
// expert step, 2M/T; r = -1 when the output breaks the format. The monologue is not scored.
// Open choices, all options here: argument order (autojunk applies to the second sequence only), autojunk,
// whitespace normalisation and the format rules. Defaults: SequenceMatcher(None, model, expert), autojunk on.
import { definePlugin, REWARD_SPEC_VERSION, SrlError, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { DEFAULT_SRL_OUTPUT_RULES, parseSrlOutput, type SrlOutputRules } from './parsing/parse-srl-output';
import { SRL_OUTPUT_RULES_SCHEMA_PROPERTIES } from './parsing/srl-output-rules-schema';
import { SimilarityIndex } from './similarity/similarity-index';

export interface StepSimilarityOptions extends SrlOutputRules {
  /** `think-then-step`: parse `<think>...</think>` then the step; `plain`: the whole completion is the action, untouched. */
  format: 'think-then-step' | 'plain';
  /** `model-first`: SequenceMatcher(None, model, expert) (default); `expert-first`: SequenceMatcher(None, expert, model). */
  order: 'model-first' | 'expert-first';
  /** difflib's autojunk (default true, Python's default and so the paper's). */
  autojunk: boolean;
  /** Reward for a completion that breaks the format (default -1). */
  formatPenalty: number;
  /** Collapse every run of whitespace (JS `\s`) to one space and trim, in both texts, before comparing (default false). */
  normalizeWhitespace: boolean;
  /** A row without a reference: `error` (default) throws a validation SrlError naming the row; `null` scores it null. */
  missingReference: 'error' | 'null';
}

export const STEP_SIMILARITY_DEFAULTS: StepSimilarityOptions = {
  ...DEFAULT_SRL_OUTPUT_RULES,
  format: 'think-then-step',
  order: 'model-first',
  autojunk: true,
  formatPenalty: -1,
  normalizeWhitespace: false,
  missingReference: 'error',
};

const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The SRL step reward. Components: `similarity` (the ratio, null on a format error or a missing reference) and
 * `format_ok` (1/0); a row scored null for a missing reference also carries `reference_missing: 1`.
 * Rows sharing a reference (a group's rollouts against one expert step) share one difflib index of that step.
 */
export class StepSimilarityReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'step-similarity';
  private readonly options: StepSimilarityOptions;

  constructor(options: Partial<StepSimilarityOptions> = {}) {
    this.options = { ...STEP_SIMILARITY_DEFAULTS, ...options };
    // Fail at construction, not on the first batch, for a bad step header pattern.
    try {
      new RegExp(this.options.stepHeaderPattern, 'i');
    } catch (error) {
      throw new SrlError('validation', `step-similarity: stepHeaderPattern ${JSON.stringify(this.options.stepHeaderPattern)} is not a valid regular expression: ${(error as Error).message}`);
    }
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    return this.scoreSync(inputs);
  }

  /** The synchronous core of {@link score}. */
  scoreSync(inputs: readonly RewardInput[]): RewardResult[] {
    const o = this.options;
    const indexes = new Map<string, SimilarityIndex>();
    return inputs.map((input, row): RewardResult => {
      if (typeof input?.completion !== 'string') {
        throw new SrlError('validation', `step-similarity: row ${row}: completion must be a string, got ${describe(input?.completion)}`);
      }
      const reference = input.reference;
      if (reference !== undefined && typeof reference !== 'string') {
        throw new SrlError('validation', `step-similarity: row ${row}: reference must be a string (the expert step), got ${describe(reference)}`);
      }
      let action: string | null = input.completion;
      if (o.format === 'think-then-step') {
        const parsed = parseSrlOutput(input.completion, o);
        action = parsed.ok ? parsed.action : null;
      }
      const formatOk = action === null ? 0 : 1;
      if (reference === undefined) {
        if (o.missingReference === 'error') {
          throw new SrlError(
            'validation',
            `step-similarity: row ${row} has no reference (the expert step to compare with); give every row a "reference", or set missingReference: "null" to score such rows null`,
          );
        }
        return { reward: null, components: { similarity: null, format_ok: formatOk, reference_missing: 1 } };
      }
      if (action === null) return { reward: o.formatPenalty, components: { similarity: null, format_ok: 0 } };
      const expert = o.normalizeWhitespace ? normalize(reference) : reference;
      const model = o.normalizeWhitespace ? normalize(action) : action;
      let similarity: number;
      if (o.order === 'model-first') {
        // b = expert: index it once per distinct expert step in this batch.
        let index = indexes.get(expert);
        if (!index) indexes.set(expert, (index = new SimilarityIndex(expert, { autojunk: o.autojunk })));
        similarity = index.ratio(model);
      } else {
        similarity = new SimilarityIndex(model, { autojunk: o.autojunk }).ratio(expert);
      }
      return { reward: similarity, components: { similarity, format_ok: 1 } };
    });
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** The `step-similarity` reward plugin: SRL's difflib step reward with its format check. */
export const stepSimilarityPlugin = definePlugin<'reward', StepSimilarityOptions>({
  kind: 'reward',
  name: 'step-similarity',
  description: "SRL step reward: difflib SequenceMatcher ratio (CPython-exact) between the model's step and the expert step, formatPenalty on a format error",
  optionsSchema: {
    type: 'object',
    properties: {
      format: { type: 'string', enum: ['think-then-step', 'plain'], description: 'think-then-step: <think>...</think> then the step; plain: the whole completion, untouched' },
      order: { type: 'string', enum: ['model-first', 'expert-first'], description: 'model-first: SequenceMatcher(None, model, expert)' },
      autojunk: { type: 'boolean', description: "difflib's autojunk heuristic (applies to the second sequence)" },
      formatPenalty: { type: 'number', description: 'reward of a completion that breaks the format' },
      normalizeWhitespace: { type: 'boolean', description: 'collapse whitespace runs to one space and trim both texts' },
      missingReference: { type: 'string', enum: ['error', 'null'], description: 'a row without reference: throw, or score null' },
      ...SRL_OUTPUT_RULES_SCHEMA_PROPERTIES,
    },
    additionalProperties: false,
  },
  defaults: STEP_SIMILARITY_DEFAULTS,
  create(options) {
    return new StepSimilarityReward(options);
  },
});
