/**
 * @srl/rewards: difflib-exact step similarity, SRL output parsing, math answer verification and
 * reward composition. Default export: the ContainerModule that binds this package's plugins.
 */
import { pluginModule } from '@srl/core';
import { plugins } from './plugins';

export * from './similarity/index';
export * from './parsing/index';
export { StepSimilarityReward, stepSimilarityPlugin, STEP_SIMILARITY_DEFAULTS, type StepSimilarityOptions } from './step-similarity-reward';
export {
  TokenEditSimilarityReward,
  tokenEditSimilarityPlugin,
  tokenEditSimilarity,
  TOKEN_EDIT_SIMILARITY_DEFAULTS,
  type TokenEditSimilarityOptions,
} from './token-edit-similarity-reward';
export { RougeLReward, rougeLPlugin, rougeL, ROUGE_L_DEFAULTS, type RougeLOptions } from './rouge-l-reward';
export { SolutionSimilarityReward, solutionSimilarityPlugin, SOLUTION_SIMILARITY_DEFAULTS, type SolutionSimilarityOptions } from './solution-similarity-reward';
export { scoreSrlSimilarity, SRL_SIMILARITY_DEFAULTS, type SrlSimilarityOptions, type PairSimilarity } from './score-srl-similarity';
export {
  ActionSimilarityReward,
  actionSimilarityPlugin,
  ACTION_SIMILARITY_DEFAULTS,
  argumentText,
  type ActionSimilarityOptions,
} from './swe/action-similarity-reward';
export * from './composition/index';
export * from './math/index';
export { MathAnswerReward, mathAnswerPlugin } from './math-answer-reward';
export { plugins };
export default pluginModule(plugins);
