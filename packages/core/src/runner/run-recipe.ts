import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from 'inversify';
import { Clock } from '../contracts/clock';
import { Logger } from '../contracts/logger';
import type { TrainablePolicy } from '../contracts/policy';
import type { StageResult } from '../contracts/trainer';
import { bindService, createAppContainer } from '../di/app-container';
import { isSrlError, SrlError } from '../errors';
import { pluginRefName } from '../plugins/plugin-ref';
import { PluginRegistry } from '../plugins/plugin-registry';
import type { Recipe } from '../recipe/recipe';
import { writeFileAtomic } from '../training/directory-checkpoint-store';
import { cleanUp, explainFailure } from './cleanup';
import { isStageComplete, RunFolder, stageFolderName, type RunRecord } from './run-folder';

export { isStageComplete };
import { createTrainablePolicy } from './run-plugins';
import { buildStage, type StageBuildInput } from './stage-builder';

export { createRewards, createTrainablePolicy, stageRewards } from './run-plugins';

interface RunSpec {
  recipe: Recipe;
  outDir: string;
  maxSteps?: number;
  resume?: boolean;
  /** On resume, accept changes to stages that have not completed; they are recorded in run.json. */
  allowRecipeChange?: boolean;
  /** Policy option overrides from the command line (e.g. { backend: 'cpu' }). */
  policyOverrides?: Record<string, unknown>;
  /** Rebinds services of each stage's container (Policy, Task, RewardModel, Trainer, Logger, CheckpointStore) before they are resolved. */
  configureStage?: StageBuildInput['configure'];
  /** Step checkpoints kept per stage besides best and final (default 2); an experiment evaluating a learning curve keeps them all. */
  keepCheckpoints?: number;
}

/**
 * What a run needs: the application container (`createAppContainer`: registry, logger, clock, stop signals), or
 * the registry, logger and stop signal, from which one is made.
 */
export type RunRecipeOptions = RunSpec & ({ container: Container } | { registry: PluginRegistry; logger: Logger; signal: AbortSignal });

export interface RunResult {
  outDir: string;
  interrupted: boolean;
  /** True when --max-steps ended a stage before its full length (resumable with --resume). */
  stopped: boolean;
  stages: (StageResult & { name: string })[];
  /** Per stage, what loading its data left out (as in run.json). */
  data: RunRecord['data'];
}

/**
 * Runs a recipe's stages in order (SFT -> SRL -> RLVR ...), each from the previous stage's final
 * (or best) checkpoint, holding the run folder's lock. With `resume`, complete stages are skipped
 * and the running stage continues from its latest atomic checkpoint. A failure marks run.json
 * "failed" with the error before it is rethrown.
 */
export async function runRecipe(o: RunRecipeOptions): Promise<RunResult> {
  const app = 'container' in o ? o.container : createAppContainer({ registry: o.registry, logger: o.logger, signals: { signal: o.signal } });
  const { recipe } = o;
  const registry = app.get(PluginRegistry);
  const logger = app.get(Logger);
  const folder = await RunFolder.open({
    root: o.outDir,
    recipe,
    resume: o.resume ?? false,
    allowRecipeChange: o.allowRecipeChange ?? false,
    log: (m) => logger.log('warn', m),
    clock: app.get(Clock),
  });
  bindService(app, RunFolder, folder);
  const outDir = folder.root;
  let policy: TrainablePolicy | null = null;
  let failure: unknown;
  let where = 'setup';
  try {
    await folder.setStatus('running');
    policy = await createTrainablePolicy(registry, recipe.policy, o.policyOverrides ?? {}, { logger, baseDir: path.dirname(recipe.file), container: app });
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
      const built = await buildStage({
        app,
        folder,
        policy,
        recipe,
        index,
        stage,
        stageDir,
        previous,
        resume: o.resume ?? false,
        policyOverrides: o.policyOverrides ?? {},
        ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
        ...(o.configureStage ? { configure: o.configureStage } : {}),
        ...(o.keepCheckpoints !== undefined ? { keepCheckpoints: o.keepCheckpoints } : {}),
      });
      let result: StageResult;
      let stageFailure: unknown;
      try {
        logger.log(
          'info',
          `stage ${index} (${stage.name}): ${pluginRefName(stage.trainer)} on ${built.context.task.name}` +
            (built.startFrom ? `, from ${path.relative(folder.root, built.startFrom.dir)}` : ''),
        );
        result = await built.trainer.run(built.context);
      } catch (error) {
        stageFailure = error;
        throw error;
      } finally {
        // The stage's rewards and task are disposed whether it ended, stopped or threw.
        await built.dispose(stageFailure);
      }
      folder.stages.push({ ...result, name: stage.name });
      if (result.interrupted) {
        await folder.setStatus('interrupted');
        logger.log('warn', `stopped at stage ${index} step ${result.steps}; continue with --resume`);
        return { outDir, interrupted: true, stopped: false, stages: folder.stages, data: folder.data };
      }
      if (!isStageComplete(result)) stopped = true;
      await writeFileAtomic(resultFile, `${JSON.stringify(result, null, 2)}\n`);
      previous = result;
    }
    await folder.setStatus(stopped ? 'stopped' : 'complete');
    return { outDir, interrupted: false, stopped, stages: folder.stages, data: folder.data };
  } catch (error) {
    failure = explainFailure(error, where, outDir);
    const message = (failure as Error)?.message ?? String(failure);
    const located = message.startsWith(where) || message.startsWith('stage ') ? message : `${where}: ${message}`;
    await cleanUp(logger, failure, [() => folder.setStatus('failed', located)]);
    // Say where it failed; the error keeps its kind (and exit code) and the original as its cause.
    if (isSrlError(failure) && located !== message) failure = new SrlError(failure.kind, located, { cause: failure, details: failure.details });
    throw failure;
  } finally {
    await cleanUp(logger, failure, [() => policy?.dispose(), () => folder.close(), () => app.isCurrentBound(RunFolder) && app.unbind(RunFolder)]);
  }
}
