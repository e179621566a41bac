// SRL §4.2: r = difflib.SequenceMatcher ratio between the model's action (the text after </think>) and the
// expert step, 2M/T; r = -1 when the output breaks the format. The monologue is not scored.
// Open choices, all options here: argument order (autojunk applies to the second sequence only), autojunk,
// whitespace normalisation and the format rules. Defaults: SequenceMatcher(None, model, expert), autojunk on.
import { definePlugin, REWARD_SPEC_VERSION, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { checkStepHeaderPattern, scoreSrlSimilarity, SRL_SIMILARITY_DEFAULTS, SRL_SIMILARITY_SCHEMA_PROPERTIES, type SrlSimilarityOptions } from './score-srl-similarity';
import { difflibSimilarity, type DifflibOptions } from './similarity/difflib-similarity';

export interface StepSimilarityOptions extends SrlSimilarityOptions, DifflibOptions {}

export const STEP_SIMILARITY_DEFAULTS: StepSimilarityOptions = {
  ...SRL_SIMILARITY_DEFAULTS,
  order: 'model-first',
  autojunk: true,
};

/** JSON Schema properties of {@link DifflibOptions} (shared with solution-similarity). */
export const DIFFLIB_SCHEMA_PROPERTIES = {
  order: { type: 'string', enum: ['model-first', 'expert-first'], description: 'model-first: SequenceMatcher(None, model, expert)' },
  autojunk: { type: 'boolean', description: "difflib's autojunk heuristic (applies to the second sequence)" },
} as const;

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
    checkStepHeaderPattern(this.name, this.options.stepHeaderPattern);
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    return this.scoreSync(inputs);
  }

  /** The synchronous core of {@link score}. */
  scoreSync(inputs: readonly RewardInput[]): RewardResult[] {
    return scoreSrlSimilarity({ name: this.name, inputs, options: this.options, similarity: difflibSimilarity(this.options) });
  }
}

/** The `step-similarity` reward plugin: SRL's difflib step reward with its format check. */
export const stepSimilarityPlugin = definePlugin<'reward', StepSimilarityOptions>({
  kind: 'reward',
  name: 'step-similarity',
  description: "SRL step reward: difflib SequenceMatcher ratio (CPython-exact) between the model's step and the expert step, formatPenalty on a format error",
  optionsSchema: {
    type: 'object',
    properties: { ...SRL_SIMILARITY_SCHEMA_PROPERTIES, ...DIFFLIB_SCHEMA_PROPERTIES },
    additionalProperties: false,
  },
  defaults: STEP_SIMILARITY_DEFAULTS,
  create(options) {
    return new StepSimilarityReward(options);
  },
});
