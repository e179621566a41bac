// SRL §5 ablation "similarity reward on the whole solution in one step": r = difflib.SequenceMatcher ratio between
// the model's whole solution (the text after </think>) and the whole expert solution; r = -1 on a broken format.
// The same parser and format rule as step-similarity (score-srl-similarity.ts), except that a solution holds many
// steps, so singleStep is off by default. Use it with whole-solution SRL instances (math tasks: srlMode "whole"),
// whose reference is the whole expert solution.
import { definePlugin, REWARD_SPEC_VERSION, schemaDefaults, withDefaults, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { checkStepHeaderPattern, scoreSrlSimilarity } from './score-srl-similarity';
import { difflibSimilarity } from './similarity/difflib-similarity';
import { stepSimilarityOptions, type StepSimilarityOptions } from './step-similarity-reward';

/** The options of step-similarity; only the default of `singleStep` differs (false). */
export const solutionSimilarityOptions = withDefaults(stepSimilarityOptions, { singleStep: false });
export type SolutionSimilarityOptions = StepSimilarityOptions;
export const SOLUTION_SIMILARITY_DEFAULTS: SolutionSimilarityOptions = schemaDefaults(solutionSimilarityOptions);

/** Components: `similarity` (the ratio, null when not scored) and `format_ok`, as step-similarity. */
export class SolutionSimilarityReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'solution-similarity';
  private readonly options: SolutionSimilarityOptions;

  constructor(options: Partial<SolutionSimilarityOptions> = {}) {
    this.options = { ...SOLUTION_SIMILARITY_DEFAULTS, ...options };
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

/** The `solution-similarity` reward plugin. */
export const solutionSimilarityPlugin = definePlugin({
  kind: 'reward',
  name: 'solution-similarity',
  description:
    "SRL one-step ablation: difflib SequenceMatcher ratio between the model's whole solution (after </think>) and the whole expert solution, formatPenalty on a format error",
  options: solutionSimilarityOptions,
  create(options) {
    return new SolutionSimilarityReward(options);
  },
});
