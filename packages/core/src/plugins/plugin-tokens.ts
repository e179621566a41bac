import type { ServiceIdentifier } from 'inversify';
import { Environment } from '../contracts/environment';
import { Policy } from '../contracts/policy';
import { RewardModel } from '../contracts/reward-model';
import { StepDecomposer, Task } from '../contracts/task';
import { Trainer } from '../contracts/trainer';
import type { PluginInstances, PluginKind } from './define-plugin';

/** The DI token an instance of each plugin kind is bound under: a created plugin is resolved from its container by it. */
export const PLUGIN_TOKENS: { readonly [K in PluginKind]: ServiceIdentifier<PluginInstances[K]> } = Object.freeze({
  policy: Policy,
  reward: RewardModel,
  task: Task,
  trainer: Trainer,
  environment: Environment,
  decomposer: StepDecomposer,
});
