// SRL §4.2: r = difflib.SequenceMatcher ratio between the model's action (the text after </think>) and the
// expert step, 2M/T; r = -1 when the output breaks the format. The monologue is not scored.
// Open choices, all options here: argument order (autojunk applies to the second sequence only), autojunk,
// whitespace normalisation and the format rules. Defaults: SequenceMatcher(None, model, expert), autojunk on.
import { definePlugin, REWARD_SPEC_VERSION, schemaDefaults, Type, type PluginOptions, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { checkStepHeaderPattern, scoreSrlSimilarity, SRL_SIMILARITY_SCHEMA_PROPERTIES } from './score-srl-similarity';
import { DIFFLIB_SCHEMA_PROPERTIES, difflibSimilarity } from './similarity/difflib-similarity';

/** step-similarity's options, declared once: how to read a completion, and difflib's choices. */
export const stepSimilarityOptions = Type.Object({ ...SRL_SIMILARITY_SCHEMA_PROPERTIES, ...DIFFLIB_SCHEMA_PROPERTIES }, { additionalProperties: false });
export type StepSimilarityOptions = PluginOptions<typeof stepSimilarityOptions>;
export const STEP_SIMILARITY_DEFAULTS: StepSimilarityOptions = schemaDefaults(stepSimilarityOptions);

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
export const stepSimilarityPlugin = definePlugin({
  kind: 'reward',
  name: 'step-similarity',
  description: "SRL step reward: difflib SequenceMatcher ratio (CPython-exact) between the model's step and the expert step, formatPenalty on a format error",
  options: stepSimilarityOptions,
  create(options) {
    return new StepSimilarityReward(options);
  },
});
