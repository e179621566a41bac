import path from 'node:path';
import type { Logger } from '@srl/core';
import { runExperiment } from '../experiment/run-experiment';
import { withStopSignals } from '../stop-signals';

export interface ExperimentCommandOptions {
  out?: string;
  smoke?: boolean;
  workers?: number;
}

/**
 * `srl experiment <file>`: the base, every arm × seed and their evaluations, in parallel child
 * processes; rerun the same command to continue after an interruption. Exit 130 when stopped.
 */
export async function experimentCommand(file: string, opts: ExperimentCommandOptions, logger: Logger): Promise<number> {
  const outDir = path.resolve(opts.out ?? path.join('runs', path.basename(path.dirname(path.resolve(file)))));
  logger.log('info', `experiment ${file} -> ${outDir}${opts.smoke ? ' (smoke)' : ''}`);
  const result = await withStopSignals(logger, (signal) =>
    runExperiment({ file, outDir, smoke: opts.smoke ?? false, ...(opts.workers ? { workers: opts.workers } : {}), logger, signal }),
  );
  if (result.status === 'interrupted') {
    logger.log(
      'warn',
      `stopped; completed runs are kept. Continue with the same command: srl experiment ${file} --out ${path.relative(process.cwd(), outDir) || '.'}${opts.smoke ? ' --smoke' : ''}`,
    );
    return 130;
  }
  logger.log('info', `done in ${(result.wallSeconds / 60).toFixed(1)} min: ${path.join(outDir, 'results.md')}`);
  return 0;
}
