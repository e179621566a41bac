/**
 * @srl/core: the contracts of srl (Policy, RewardModel, Task, Trainer, Environment), the plugin
 * registry, recipe validation and the one error class. Free of tensors.
 */
export * from './errors';
export * from './contracts/index';
export * from './plugins/define-plugin';
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
export * from './rewards-math/weighted-sum-reward';

import { pluginModule } from './plugins/plugin-module';
import { plugins } from './plugins';

/** The ContainerModule binding @srl/core's own plugins (trainers). */
export default pluginModule(plugins);
