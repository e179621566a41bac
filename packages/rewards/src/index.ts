/**
 * @srl/rewards: difflib-exact step similarity, SRL output parsing, math answer verification and
 * reward composition. Default export: the ContainerModule that binds this package's plugins.
 */
import { pluginModule } from '@srl/core';
import { plugins } from './plugins';

export * from './similarity/index';
export * from './parsing/index';
export { StepSimilarityReward, stepSimilarityPlugin, STEP_SIMILARITY_DEFAULTS, type StepSimilarityOptions } from './step-similarity-reward';
export { ActionSimilarityReward, actionSimilarityPlugin, ACTION_SIMILARITY_DEFAULTS, argumentText, type ActionSimilarityOptions } from './swe/action-similarity-reward';
export * from './composition/index';
export * from './math/index';
export { MathAnswerReward, mathAnswerPlugin } from './math-answer-reward';
export { plugins };
export default pluginModule(plugins);
