import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointInfo } from '../contracts/checkpoint-store';
import type { Logger } from '../contracts/logger';
import type { TrainablePolicy } from '../contracts/policy';
import type { StageResult, TrainerContext } from '../contracts/trainer';
import { isSrlError, SrlError } from '../errors';
import type { PluginDeps } from '../plugins/define-plugin';
import { pluginRefName } from '../plugins/plugin-ref';
import type { PluginRegistry } from '../plugins/plugin-registry';
import type { Recipe, StageSpec } from '../recipe/recipe';
import { DirectoryCheckpointStore, writeFileAtomic } from '../training/directory-checkpoint-store';
import { cleanUp, explainFailure, withCleanup } from './cleanup';
import { RunFolder, stageFolderName } from './run-folder';
import { createRewards, createTrainablePolicy, stageRewards, validateOn } from './run-plugins';
import { StageLogger } from './stage-logger';

export { createRewards, createTrainablePolicy, stageRewards } from './run-plugins';

export interface RunRecipeOptions {
  recipe: Recipe;
  registry: PluginRegistry;
  logger: Logger;
  outDir: string;
  maxSteps?: number;
  resume?: boolean;
  /** On resume, accept changes to stages that have not completed; they are recorded in run.json. */
  allowRecipeChange?: boolean;
  signal: AbortSignal;
  /** Policy option overrides from the command line (e.g. { backend: 'cpu' }). */
  policyOverrides?: Record<string, unknown>;
  /** Step checkpoints kept per stage besides best and final (default 2); an experiment evaluating a learning curve keeps them all. */
  keepCheckpoints?: number;
}

export interface RunResult {
  outDir: string;
  interrupted: boolean;
  /** True when --max-steps ended a stage before its full length (resumable with --resume). */
  stopped: boolean;
  stages: (StageResult & { name: string })[];
}

/** A stage ran its full length (a stage cut by --max-steps is resumable to its full length). */
export function isStageComplete(result: StageResult): boolean {
  return !result.interrupted && (result.totalSteps === undefined || result.steps >= result.totalSteps);
}

/**
 * Runs a recipe's stages in order (SFT -> SRL -> RLVR ...), each from the previous stage's final
 * (or best) checkpoint, holding the run folder's lock. With `resume`, complete stages are skipped
 * and the running stage continues from its latest atomic checkpoint. A failure marks run.json
 * "failed" with the error before it is rethrown.
 */
export async function runRecipe(o: RunRecipeOptions): Promise<RunResult> {
  const { recipe, registry, logger } = o;
  const folder = await RunFolder.open({ root: o.outDir, recipe, resume: o.resume ?? false, allowRecipeChange: o.allowRecipeChange ?? false, log: (m) => logger.log('warn', m) });
  const outDir = folder.root;
  const deps = { logger, baseDir: path.dirname(recipe.file) };
  let policy: TrainablePolicy | null = null;
  let failure: unknown;
  let where = 'setup';
  try {
    await folder.setStatus('running');
    policy = await createTrainablePolicy(registry, recipe.policy, o.policyOverrides ?? {}, deps);
    let previous: StageResult | null = null;
    // Once a stage continues past where an earlier (--max-steps) invocation stopped it, the stages
    // after it began from a start point that no longer exists, and are run again from scratch.
    let restartRest = false;
    let stopped = false;
    for (const [index, stage] of recipe.stages.entries()) {
      where = `stage ${index} (${stage.name})`;
      const dirName = stageFolderName(index, stage.name);
      if (restartRest) await rm(folder.file('stages', dirName), { recursive: true, force: true });
      const stageDir = await folder.stageDir(dirName);
      const resultFile = folder.file('stages', dirName, 'result.json');
      if (o.resume && existsSync(resultFile)) {
        const done = JSON.parse(await readFile(resultFile, 'utf8')) as StageResult;
        if (isStageComplete(done) || (o.maxSteps !== undefined && done.steps >= o.maxSteps)) {
          previous = done;
          folder.stages.push({ ...done, name: stage.name });
          logger.log('info', `stage ${index} (${stage.name}): already ${isStageComplete(done) ? 'complete' : `at --max-steps ${o.maxSteps}`}, skipped`);
          if (!isStageComplete(done)) stopped = true;
          continue;
        }
        await rm(resultFile, { force: true });
        restartRest = true;
      }
      const result = await runStage({ o, folder, policy, previous, index, stage, stageDir, deps });
      folder.stages.push({ ...result, name: stage.name });
      if (result.interrupted) {
        await folder.setStatus('interrupted');
        logger.log('warn', `stopped at stage ${index} step ${result.steps}; continue with --resume`);
        return { outDir, interrupted: true, stopped: false, stages: folder.stages };
      }
      if (!isStageComplete(result)) stopped = true;
      await writeFileAtomic(resultFile, `${JSON.stringify(result, null, 2)}\n`);
      previous = result;
    }
    await folder.setStatus(stopped ? 'stopped' : 'complete');
    return { outDir, interrupted: false, stopped, stages: folder.stages };
  } catch (error) {
    failure = explainFailure(error, where, outDir);
    const message = (failure as Error)?.message ?? String(failure);
    const located = message.startsWith(where) || message.startsWith('stage ') ? message : `${where}: ${message}`;
    await cleanUp(logger, failure, [() => folder.setStatus('failed', located)]);
    // Say where it failed; the error keeps its kind (and exit code) and the original as its cause.
    if (isSrlError(failure) && located !== message) failure = new SrlError(failure.kind, located, { cause: failure, details: failure.details });
    throw failure;
  } finally {
    await cleanUp(logger, failure, [() => policy?.dispose(), () => folder.close()]);
  }
}

async function runStage(s: {
  o: RunRecipeOptions;
  folder: RunFolder;
  policy: TrainablePolicy;
  previous: StageResult | null;
  index: number;
  stage: StageSpec;
  stageDir: string;
  deps: Omit<PluginDeps, 'create'>;
}): Promise<StageResult> {
  const { o, folder, policy, previous, index, stage, stageDir, deps } = s;
  const { registry, logger, recipe } = o;
  const store = new DirectoryCheckpointStore(folder.file('stages', path.basename(stageDir), 'checkpoints'), o.keepCheckpoints);
  const startFrom = previous ? startPoint(previous, stage, logger, index) : null;
  const stageLogger = new StageLogger(logger, folder.file('stages', path.basename(stageDir), 'metrics.jsonl'));
  const latest = o.resume ? await store.latest('latest') : null;
  if (latest) {
    await policy.load(latest.info.dir);
    stageLogger.truncateAfter(latest.state.step);
  } else {
    stageLogger.truncateAfter(-1); // a stage started afresh keeps no lines of an earlier attempt
    if (startFrom) await policy.load(startFrom.dir);
    policy.resetOptimizer();
  }
  const task = await registry.create('task', stage.task, deps, `${stage.path}.task`);
  let rewards: Awaited<ReturnType<typeof createRewards>> | null = null;
  const body = async (): Promise<StageResult> => {
    const trainer = await registry.create('trainer', stage.trainer, deps, stage.path);
    rewards = await createRewards(registry, stageRewards(stage.rewards, trainer), { ...deps, tokenizer: { encode: (text) => policy.tokenize(text) } });
    const ctx: TrainerContext = {
      policy,
      task,
      rewards,
      logger: stageLogger,
      checkpoints: store,
      signal: o.signal,
      seed: recipe.seed,
      stage: index,
      outDir: stageDir,
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
      ...(latest ? { resumeFrom: latest.state } : {}),
      validate: (v) => validateOn({ registry, task, policy, options: v, deps, signal: o.signal }),
      createReference: async () => {
        // The stage's starting weights, saved once, so a resumed stage gets the same reference.
        const referenceDir = folder.file('stages', path.basename(stageDir), 'reference');
        if (!existsSync(referenceDir)) {
          if (latest) throw new SrlError('runtime', `${stageDir} has checkpoints but no reference/ folder; the KL reference of this stage is lost (start the stage again without --resume)`);
          const tmp = `${referenceDir}.tmp-${process.pid}`;
          await rm(tmp, { recursive: true, force: true });
          await policy.save(tmp);
          await rename(tmp, referenceDir);
        }
        const reference = await createTrainablePolicy(registry, recipe.policy, o.policyOverrides ?? {}, deps);
        await reference.load(referenceDir);
        return reference;
      },
    };
    logger.log('info', `stage ${index} (${stage.name}): ${pluginRefName(stage.trainer)} on ${task.name}` + (startFrom && !latest ? `, from ${path.relative(folder.root, startFrom.dir)}` : ''));
    return trainer.run(ctx);
  };
  return withCleanup(logger, body, [() => rewards?.dispose?.(), () => task.dispose?.()]);
}

/** Where a stage starts: the previous stage's best (with `from: best`) or final checkpoint. */
function startPoint(previous: StageResult, stage: StageSpec, logger: Logger, index: number): CheckpointInfo | null {
  const end = previous.final ?? previous.latest ?? null;
  if (stage.from !== 'best') return end;
  if (previous.best) return previous.best;
  logger.log('warn', `stage ${index} (${stage.name}): from: best, but the previous stage recorded no best checkpoint (no validation ran); starting from its final checkpoint`);
  return end;
}
