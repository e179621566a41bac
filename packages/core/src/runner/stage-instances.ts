import path from 'node:path';
import type { Logger } from '../contracts/logger';
import type { InstanceKind, Task } from '../contracts/task';
import type { Trainer, TrainingInstance } from '../contracts/trainer';
import { SrlError } from '../errors';
import { pluginRefName } from '../plugins/plugin-ref';
import type { PluginRegistry } from '../plugins/plugin-registry';
import type { Recipe } from '../recipe/recipe';
import type { TrainablePolicy } from '../contracts/policy';
import { withCleanup } from './cleanup';
import { createTrainablePolicy } from './run-plugins';

export interface StageInstances {
  /** The stage's task, already disposed: for its name and splits, not to load from. */
  task: Task;
  trainer: Trainer;
  stage: number;
  split: string;
  instances: TrainingInstance[];
}

/**
 * The instances a recipe's stage trains on, loaded by the stage's own trainer with the recipe's
 * policy (whose chat template and tokenizer decide the prompt text and the prompt-length filter),
 * exactly as `srl train` would. `split` and `kind` override the trainer's.
 */
export async function loadStageInstances(o: {
  recipe: Recipe;
  registry: PluginRegistry;
  logger: Logger;
  stage?: number;
  split?: string;
  kind?: InstanceKind;
  policyOverrides?: Record<string, unknown>;
}): Promise<StageInstances> {
  const { recipe, registry, logger } = o;
  const index = o.stage ?? 0;
  const stage = recipe.stages[index];
  if (!stage) {
    throw new SrlError(
      'usage',
      `${recipe.file}: has no stage ${index}; its stages are ${recipe.stages.map((s, i) => `${i} (${s.name})`).join(', ') || 'none'}; pass --stage with one of them`,
    );
  }
  const deps = { logger, baseDir: path.dirname(recipe.file) };
  const task = await registry.create('task', stage.task, deps, `${stage.path}.task`);
  let policy: TrainablePolicy | null = null;
  // The instances are plain data: the task (its name stays readable) and the policy are released after.
  return withCleanup(logger, async () => {
    const trainer = await registry.create('trainer', stage.trainer, deps, stage.path);
    if (!trainer.instances) {
      throw new SrlError(
        'validation',
        `${stage.path}: trainer "${pluginRefName(stage.trainer)}" does not say which instances it trains on (it has no instances() method), so its data cannot be listed or exported`,
      );
    }
    policy = await createTrainablePolicy(registry, recipe.policy, o.policyOverrides ?? {}, deps);
    const instances = await trainer.instances({ task, policy, logger, ...(o.split ? { split: o.split } : {}), ...(o.kind ? { kind: o.kind } : {}) });
    const split = o.split ?? String((typeof stage.trainer === 'string' ? undefined : stage.trainer[1]?.split) ?? 'train');
    return { task, trainer, stage: index, split, instances };
  }, [() => policy?.dispose(), () => task.dispose?.()]);
}
