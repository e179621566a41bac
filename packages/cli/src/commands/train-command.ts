import path from 'node:path';
import { existsSync } from 'node:fs';
import { bindService, isSrlError, loadRecipe, runRecipe, SrlError, StopSignals, type Logger, type MetricKey } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';
import { withStopSignals } from '../stop-signals';
import { skippedLines } from '../data/skipped-lines';

export interface TrainCommandOptions {
  out?: string;
  maxSteps?: number;
  resume?: boolean;
  allowRecipeChange?: boolean;
  backend?: string;
  /** `--set path=value` recipe overrides (recorded in the run's recipe.json). */
  set?: string[];
  /** Step checkpoints kept per stage (default 2). */
  keepCheckpoints?: number;
}

/** The figures each stage's summary line shows. */
const SUMMARY_KEYS: readonly MetricKey[] = ['loss', 'reward/mean', 'filter_rate', 'best_validation', 'val_loss'];

/** `srl train <recipe>`: runs the stages; Ctrl-C (SIGINT) or SIGTERM saves a checkpoint and exits 130. */
export async function trainCommand(file: string, opts: TrainCommandOptions, logger: Logger): Promise<number> {
  const env = await createPluginEnvironment({ logger });
  const recipe = await loadRecipe(file, { ...env, overrides: opts.set ?? [] });
  if (!recipe.stages.length) throw new SrlError('validation', `${file}: has no "stages" to train (it is an evaluation-only recipe: use srl eval)`);
  const outDir = path.resolve(opts.out ?? recipe.output);
  logger.log('info', `run ${recipe.name} -> ${outDir}${opts.resume ? ' (resuming)' : ''}`);
  const resumeHint = `srl train ${file} --out ${path.relative(process.cwd(), outDir) || '.'} --resume`;
  const result = await withStopSignals(logger, (signal) => {
    bindService(env.container, StopSignals, { signal });
    return runRecipe({
      container: env.container,
      recipe,
      outDir,
      resume: opts.resume ?? false,
      allowRecipeChange: opts.allowRecipeChange ?? false,
      ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
      ...(opts.keepCheckpoints !== undefined ? { keepCheckpoints: opts.keepCheckpoints } : {}),
      ...(opts.backend ? { policyOverrides: { backend: opts.backend } } : {}),
    }).catch((error: unknown) => {
      // A refusal before the run started (lock, recipe change) leaves the folder as it was.
      if (!(isSrlError(error) && error.kind === 'usage') && existsSync(path.join(outDir, 'run.json'))) {
        logger.log('error', `run ${outDir} failed (run.json says why); after fixing the cause, continue with: ${resumeHint}`);
      }
      throw error;
    });
  });
  for (const stage of result.stages) {
    const figures = Object.entries(stage.metrics)
      .filter(([k]) => (SUMMARY_KEYS as readonly string[]).includes(k))
      .map(([k, v]) => `${k}=${Number(v).toPrecision(4)}`)
      .join(' ');
    logger.log('info', `stage ${stage.name}: ${stage.steps} steps${stage.interrupted ? ' (interrupted)' : ''} ${figures}`);
  }
  for (const line of skippedLines(result.data ?? {})) logger.log('warn', line);
  if (result.interrupted) {
    logger.log('warn', `stopped; checkpoint saved. Continue with: ${resumeHint}`);
    return 130;
  }
  if (result.stopped) {
    logger.log('info', `stopped by --max-steps: ${outDir}; continue to the full length with: ${resumeHint}`);
    return 0;
  }
  logger.log('info', `done: ${outDir} (report: srl report ${path.relative(process.cwd(), outDir) || '.'})`);
  return 0;
}
