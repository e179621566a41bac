import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Container } from 'inversify';
import { CheckpointStore, type CheckpointInfo } from '../contracts/checkpoint-store';
import { Clock } from '../contracts/clock';
import { Logger } from '../contracts/logger';
import { isTrainablePolicy, Policy, type FrozenPolicy, type TrainablePolicy } from '../contracts/policy';
import { RewardModel } from '../contracts/reward-model';
import { StopSignals } from '../contracts/stop-signals';
import { Task } from '../contracts/task';
import { Trainer, type StageResult, type TrainerContext } from '../contracts/trainer';
import { SrlError } from '../errors';
import { TokenEncoder } from '../plugins/define-plugin';
import { PluginRegistry, type CreateDeps } from '../plugins/plugin-registry';
import type { Recipe, StageSpec } from '../recipe/recipe';
import { DirectoryCheckpointStore } from '../training/directory-checkpoint-store';
import { cleanUp } from './cleanup';
import type { RunFolder } from './run-folder';
import { createRewards, createTrainablePolicy, stageRewards, validateOn } from './run-plugins';
import { StageLogger } from './stage-logger';

export interface StageBuildInput {
  /** The application container (registry, logger, clock, stop signals, run folder). */
  app: Container;
  folder: RunFolder;
  /** The run's trainable policy, loaded here with the stage's starting weights. */
  policy: TrainablePolicy;
  recipe: Recipe;
  index: number;
  stage: StageSpec;
  /** The stage's folder (`stages/<index>-<name>`), created. */
  stageDir: string;
  /** The previous stage's result, whose checkpoint this stage starts from. */
  previous: StageResult | null;
  resume: boolean;
  maxSteps?: number;
  policyOverrides: Record<string, unknown>;
  /** Step checkpoints kept besides best and final (DirectoryCheckpointStore's default when unset). */
  keepCheckpoints?: number;
  /** Rebinds services of the stage's container before anything is resolved from it (tests). */
  configure?: (container: Container, stage: { index: number; name: string }) => void;
}

export interface BuiltStage {
  /** The stage's container: Policy, Task, RewardModel, Trainer, Logger, CheckpointStore and TokenEncoder. */
  container: Container;
  trainer: Trainer;
  context: TrainerContext;
  /** The checkpoint the stage starts from (null: the run's initial weights, or resumed). */
  startFrom: CheckpointInfo | null;
  /** Disposes what the stage created (its rewards and task), last created first; call it in `finally`. */
  dispose(failure?: unknown): Promise<void>;
}

/**
 * Builds a stage: loads the policy's starting weights (the resumed checkpoint, or the previous stage's final or
 * best one, with a fresh optimizer), binds the stage's services in a child of the application container and
 * resolves the trainer and its context from it. The KL reference it offers is a frozen, optimizer-free copy of
 * the starting weights. On a failure it disposes what it had created before rethrowing.
 */
export async function buildStage(s: StageBuildInput): Promise<BuiltStage> {
  const { app, folder, recipe, stage, index } = s;
  const registry = app.get(PluginRegistry);
  const base = app.get(Logger);
  const stageName = path.basename(s.stageDir);
  const store = new DirectoryCheckpointStore(folder.file('stages', stageName, 'checkpoints'), s.keepCheckpoints);
  const stageLogger = new StageLogger(base, folder.file('stages', stageName, 'metrics.jsonl'));
  const container = new Container({ parent: app });
  const baseDir = path.dirname(recipe.file);
  const deps = (): CreateDeps => ({ logger: container.get(Logger), baseDir, container });
  const owned: (() => unknown)[] = [];
  container.bind(Policy).toConstantValue(s.policy);
  container.bind(TokenEncoder).toResolvedValue(
    (policy: Policy) => {
      const p = trainable(policy);
      return { encode: (text: string) => p.tokenize(text) };
    },
    [Policy],
  );
  container.bind(Logger).toConstantValue(stageLogger);
  container.bind(CheckpointStore).toConstantValue(store);
  container
    .bind(Task)
    .toResolvedValue(async () => {
      const task = await registry.create('task', stage.task, deps(), `${stage.path}.task`);
      owned.push(() => task.dispose?.());
      return task;
    })
    .inSingletonScope();
  container
    .bind(Trainer)
    .toResolvedValue(() => registry.create('trainer', stage.trainer, deps(), stage.path))
    .inSingletonScope();
  container
    .bind(RewardModel)
    .toResolvedValue(
      async (trainer: Trainer) => {
        const rewards = await createRewards(registry, stageRewards(stage.rewards, trainer), deps());
        owned.push(() => rewards.dispose?.());
        return rewards;
      },
      [Trainer],
    )
    .inSingletonScope();
  s.configure?.(container, { index, name: stage.name });

  // The policy and checkpoint store as bound (a test may have rebound them).
  const policy = trainable(container.get(Policy));
  const latest = s.resume ? await container.get(CheckpointStore).latest('latest') : null;
  const startFrom = s.previous && !latest ? startPoint(s.previous, stage, base, index) : null;
  if (latest) {
    await policy.load(latest.info.dir);
    stageLogger.truncateAfter(latest.state.step);
  } else {
    stageLogger.truncateAfter(-1); // a stage started afresh keeps no lines of an earlier attempt
    if (startFrom) await policy.load(startFrom.dir);
    policy.resetOptimizer();
  }

  const dispose = (failure?: unknown): Promise<void> => cleanUp(base, failure, owned.splice(0).reverse());
  try {
    const task = await container.getAsync(Task);
    const trainer = await container.getAsync(Trainer);
    const rewards = await container.getAsync(RewardModel);
    const signal = container.get(StopSignals).signal;
    const context: TrainerContext = {
      policy,
      task,
      rewards,
      logger: container.get(Logger),
      checkpoints: container.get(CheckpointStore),
      clock: container.get(Clock),
      signal,
      seed: recipe.seed,
      stage: index,
      outDir: s.stageDir,
      ...(s.maxSteps !== undefined ? { maxSteps: s.maxSteps } : {}),
      ...(latest ? { resumeFrom: latest.state } : {}),
      reportInstances: (report) => folder.recordInstances(stage.name, report),
      validate: (v) => validateOn({ registry, task, policy, options: v, deps: deps(), signal }),
      createReference: () =>
        createReference({
          folder,
          stageName,
          policy,
          resumed: latest !== null,
          create: () => createTrainablePolicy(registry, recipe.policy, s.policyOverrides, deps()),
        }),
    };
    return { container, trainer, context, startFrom, dispose };
  } catch (error) {
    await dispose(error);
    throw error;
  }
}

function trainable(policy: Policy): TrainablePolicy {
  if (!isTrainablePolicy(policy))
    throw new SrlError('validation', `policy "${policy.name}" bound in the stage cannot be trained here (it has no weights srl can update)`);
  return policy;
}

/**
 * The KL reference: the stage's starting weights, saved once to `reference/` (so a resumed stage gets the same
 * reference) and loaded frozen, without optimizer state; a policy without `loadFrozen` is loaded as a second
 * trainable instance.
 */
async function createReference(o: {
  folder: RunFolder;
  stageName: string;
  policy: TrainablePolicy;
  resumed: boolean;
  create: () => Promise<TrainablePolicy>;
}): Promise<FrozenPolicy> {
  const referenceDir = o.folder.file('stages', o.stageName, 'reference');
  if (!existsSync(referenceDir)) {
    if (o.resumed)
      throw new SrlError(
        'runtime',
        `${path.dirname(referenceDir)} has checkpoints but no reference/ folder; the KL reference of this stage is lost (start the stage again without --resume)`,
      );
    const tmp = `${referenceDir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await o.policy.save(tmp);
    await rename(tmp, referenceDir);
  }
  if (o.policy.loadFrozen) return o.policy.loadFrozen(referenceDir);
  const reference = await o.create();
  try {
    await reference.load(referenceDir);
  } catch (error) {
    await reference.dispose();
    throw error;
  }
  return reference;
}

/** Where a stage starts: the previous stage's best (with `from: best`) or final checkpoint. */
function startPoint(previous: StageResult, stage: StageSpec, logger: Logger, index: number): CheckpointInfo | null {
  const end = previous.final ?? previous.latest ?? null;
  if (stage.from !== 'best') return end;
  if (previous.best) return previous.best;
  logger.log(
    'warn',
    `stage ${index} (${stage.name}): from: best, but the previous stage recorded no best checkpoint (no validation ran); starting from its final checkpoint`,
  );
  return end;
}
