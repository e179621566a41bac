/**
 * @srl/core: the contracts of srl (Policy, RewardModel, Task, Trainer, Environment), the plugin
 * registry, recipe validation and the one error class. Free of tensors.
 */
export * from './errors';
export * from './contracts/index';
export * from './plugins/define-plugin';
export * from './plugins/plugin-injection';
export * from './plugins/plugin-tokens';
export * from './di/app-container';
export * from './plugins/options-schema';
export * from './plugins/define-reward';
export * from './plugins/plugin-ref';
export * from './plugins/plugin-registry';
export * from './plugins/plugin-loader';
export * from './plugins/plugin-module';
export * from './plugins/options-validator';
export * from './plugins/ajv-errors';
export * from './plugins/suggest';
export * from './recipe/recipe';
export * from './recipe/recipe-schema';
export * from './recipe/load-recipe';
export * from './recipe/apply-overrides';
export * from './recipe/editor-schema';
export * from './rewards-math/weighted-sum-reward';
export * from './swe/index';
export * from './math/find-boxed';
export * from './random/hash-string';

import { pluginModule } from './plugins/plugin-module';
import { plugins } from './plugins';

/** The ContainerModule binding @srl/core's own plugins (trainers). */
export default pluginModule(plugins);
export * from './metrics/metric-key';
export * from './training/advantages';
export * from './training/dynamic-sampling';
export * from './training/lr-schedule';
export * from './training/reference-objectives';
export * from './training/seeded-rng';
export * from './training/instance-stream';
export * from './training/instance-loading';
export * from './training/directory-checkpoint-store';
export * from './training/stage-loop';
export * from './training/sft-trainer';
export * from './training/grpo-trainer';
export * from './training/trainer-options';
export * from './training/trainer-plugins';
export * from './eval/pass-at-k';
export * from './eval/evaluate-policy';
export * from './runner/stage-logger';
export * from './runner/run-recipe';
export * from './runner/stage-instances';
export * from './runner/check-stage-prompts';
export * from './runner/safe-path';
export * from './runner/run-folder';
export * from './runner/run-lock';
export * from './runner/recipe-changes';
export * from './runner/cleanup';
export * from './rewards-math/checked-reward';
export * from './text/utf8-lines';
