import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isSrlError, SrlError, writeFileAtomic, type Logger } from '@srl/core';
import { writeBenchmarkProblems, writeEvalRecipes } from './experiment-files';
import { loadExperiment, stageBudgets } from './experiment-spec';
import { writeExperimentReport } from '../experiment-report/index';
import { summarizeArm } from './summarize-arm';
import { evaluateCheckpoint, runArmSeed, type ArmSeedResult } from './run-arm-seed';
import { stageFolders } from './run-budget';
import { runSrlChild } from './srl-child';

export interface RunExperimentOptions {
  file: string;
  outDir: string;
  /** One seed, a few steps per stage, a tiny evaluation (CI). */
  smoke: boolean;
  /** Overrides the file's `workers`. */
  workers?: number;
  logger: Logger;
  signal: AbortSignal;
  /** Working directory of the child runs. */
  cwd?: string;
}

export interface ExperimentResult {
  status: 'complete' | 'failed' | 'interrupted';
  outDir: string;
  results: ArmSeedResult[];
  wallSeconds: number;
}

interface ExperimentJson {
  startedAt?: string;
  invocations?: { startedAt: string; wallSeconds: number | null; loadavg: number[] }[];
}

/** The final checkpoint of a run folder's last stage (its latest one when --max-steps stopped it). */
function lastCheckpoint(runDir: string): string {
  const stages = path.join(runDir, 'stages');
  const last = stageFolders(runDir).at(-1);
  if (!last) throw new SrlError('runtime', `${runDir} has no stages; the base run did not train`);
  const root = path.join(stages, last, 'checkpoints');
  for (const tag of ['final', 'latest']) {
    const pointer = path.join(root, `${tag}.json`);
    if (existsSync(pointer)) return path.join(root, (JSON.parse(readFileSync(pointer, 'utf8')) as { dir: string }).dir);
  }
  throw new SrlError('runtime', `${root} has no final or latest checkpoint; rerun the experiment to finish the base`);
}

/**
 * The base checkpoint of a `base: { checkpoint }` experiment: it must be a folder that exists now.
 * Checked here, not when the file is loaded, so that the file validates before the checkpoint is downloaded.
 */
function existingCheckpoint(file: string, dir: string): string {
  if (!existsSync(dir))
    throw new SrlError(
      'validation',
      `${file}: base.checkpoint: ${dir} does not exist; put the checkpoint folder there (config.json and the weights, e.g. a Hugging Face download) or point base.checkpoint at one (relative to the experiment file)`,
    );
  if (!statSync(dir).isDirectory())
    throw new SrlError('validation', `${file}: base.checkpoint: ${dir} is a file; expected a checkpoint folder (config.json and the weights)`);
  return dir;
}

/** Which tensor backend the children use, from the base run's log ("tfjs backend: wasm, ..."). */
function backendOf(logFile: string): string {
  if (!existsSync(logFile)) return 'unknown';
  return /tfjs backend: (\w+)/.exec(readFileSync(logFile, 'utf8'))?.[1] ?? 'unknown';
}

/**
 * Runs an experiment: trains the base recipe once, evaluates it, then every arm × seed from the
 * base's final checkpoint in `workers` parallel child processes (srl train / srl eval), with
 * evaluations at a few checkpoints along the budget. Resumable: a rerun skips what is complete and
 * continues what was interrupted. Writes the layout of examples/srl-vs-rlvr/LAYOUT.md.
 */
export async function runExperiment(o: RunExperimentOptions): Promise<ExperimentResult> {
  const spec = await loadExperiment(o.file);
  const { logger, signal } = o;
  const outDir = path.resolve(o.outDir);
  const cwd = o.cwd ?? process.cwd();
  const seeds = o.smoke ? spec.smoke.seeds : spec.seeds;
  const workers = o.workers ?? spec.workers;
  const maxSteps = o.smoke ? spec.smoke.maxSteps : undefined;
  const started = Date.now();
  await mkdir(outDir, { recursive: true });
  const expFile = path.join(outDir, 'experiment.json');
  const previous: ExperimentJson = existsSync(expFile) ? (JSON.parse(readFileSync(expFile, 'utf8')) as ExperimentJson) : {};
  const invocation = { startedAt: new Date(started).toISOString(), wallSeconds: null as number | null, loadavg: os.loadavg() };
  const invocations = [...(previous.invocations ?? []), invocation];
  const baseLog = path.join(outDir, 'base', 'log.txt');
  const writeStatus = async (status: string, extra: Record<string, unknown> = {}): Promise<void> => {
    // This invocation's time so far, plus what earlier ones recorded (one killed outright recorded none).
    const wall = invocations.reduce((a, i) => a + (i === invocation ? (Date.now() - started) / 1000 : (i.wallSeconds ?? 0)), 0);
    const doc = {
      name: spec.name,
      description: spec.description,
      seeds,
      arms: spec.arms.map((a) => ({ name: a.name, label: a.label, ablation: a.ablation })),
      benchmarks: spec.eval.benchmarks.map((b) => ({ name: b.name, label: b.label })),
      budget: { kind: spec.budget.kind, perArm: spec.budget.perArm, enforced: spec.budget.enforce, rule: spec.budget.rule },
      status,
      startedAt: previous.startedAt ?? invocation.startedAt,
      finishedAt: status === 'running' ? null : new Date().toISOString(),
      wallSeconds: status === 'running' ? null : Math.round(wall * 10) / 10,
      invocations,
      machine: { cpus: os.cpus().length, backend: backendOf(baseLog), node: process.version, loadavg: os.loadavg(), workers },
      smoke: o.smoke,
      ...extra,
    };
    await writeFileAtomic(expFile, `${JSON.stringify(doc, null, 2)}\n`);
  };
  await writeStatus('running');
  const results: ArmSeedResult[] = [];
  try {
    // The base: an existing checkpoint, or a recipe trained once (resumed if interrupted) whose final
    // checkpoint every arm reuses.
    const baseDir = path.join(outDir, 'base');
    await mkdir(baseDir, { recursive: true });
    const baseCheckpoint = spec.base.kind === 'checkpoint' ? existingCheckpoint(spec.file, spec.base.checkpoint) : await trainBase(spec.base.recipe);
    async function trainBase(recipe: string): Promise<string> {
      const baseRun = existsSync(path.join(baseDir, 'run.json'))
        ? (JSON.parse(readFileSync(path.join(baseDir, 'run.json'), 'utf8')) as { status: string })
        : null;
      if (baseRun?.status !== 'complete' && !(o.smoke && baseRun?.status === 'stopped')) {
        logger.log('info', `[base] training ${path.relative(cwd, recipe)}${baseRun ? ' (resuming)' : ''}`);
        const train = await runSrlChild({
          args: ['train', recipe, '--out', baseDir, '--resume', ...(maxSteps ? ['--max-steps', String(maxSteps)] : [])],
          logFile: baseLog,
          cwd,
          signal,
        });
        if (train.code !== 0)
          throw new SrlError(
            signal.aborted || train.code === 130 ? 'aborted' : 'runtime',
            `[base] srl train exited with ${train.signal ?? train.code}; its log: ${baseLog}`,
          );
        logger.log('info', `[base] trained in ${train.seconds.toFixed(0)} s`);
      }
      return lastCheckpoint(baseDir);
    }
    const evalRecipes = await writeEvalRecipes({ spec, outDir, baseCheckpoint, smoke: o.smoke });
    await writeBenchmarkProblems({ spec, outDir, limit: o.smoke ? spec.smoke.evalLimit : Math.max(spec.eval.limit, spec.eval.curve.limit) });

    const jobs: (() => Promise<void>)[] = [
      async () => {
        const seconds = await evaluateCheckpoint({
          recipe: evalRecipes.final,
          checkpoint: baseCheckpoint,
          outDir: path.join(baseDir, 'eval'),
          logFile: baseLog,
          cwd,
          signal,
        });
        logger.log('info', `[base] evaluated${seconds ? ` in ${seconds.toFixed(0)} s` : ' (done before)'}`);
      },
    ];
    // Seed-major: every arm's first seed before any second seed, so a cut-short run still has every row.
    for (const seed of seeds) {
      for (const arm of spec.arms) {
        jobs.push(async () => {
          const result = await runArmSeed({
            arm,
            seed,
            dir: path.join(outDir, 'arms', arm.name, `seed-${seed}`),
            baseCheckpoint,
            evalRecipes,
            curvePoints: o.smoke ? Math.min(1, spec.eval.curve.points) : spec.eval.curve.points,
            planned: spec.budget.perArm,
            ...(spec.budget.enforce ? { stageBudgets: stageBudgets(spec.budget.perArm, arm.budgetShares) } : {}),
            ...(maxSteps ? { maxSteps } : {}),
            cwd,
            signal,
            report: (m) => logger.log('info', `[${arm.name}] ${m}`),
          });
          results.push(result);
          if (!o.smoke && Math.abs(result.spent / spec.budget.perArm - 1) > spec.budget.tolerance) {
            logger.log(
              'warn',
              `[${arm.name}] seed ${seed} spent ${result.spent} tokens, outside ${spec.budget.perArm} ± ${100 * spec.budget.tolerance}%: ${
                spec.budget.enforce
                  ? "a stage ran its full step count (an upper bound) before reaching its budget: raise that stage's epochs"
                  : "its recipe's step counts no longer fit the budget"
              }`,
            );
          }
          const done = results.filter((r) => r.arm === arm.name);
          logger.log(
            'info',
            `[${arm.name}] ${result.ran ? 'done' : 'complete before'} seed ${seed} (${done.length}/${seeds.length} seeds): ${summarizeArm(done)}`,
          );
        });
      }
    }
    const failures = await runPool(jobs, workers, signal);
    if (signal.aborted) {
      invocation.wallSeconds = (Date.now() - started) / 1000;
      await writeStatus('interrupted');
      return { status: 'interrupted', outDir, results, wallSeconds: (Date.now() - started) / 1000 };
    }
    if (failures.length)
      throw new SrlError(
        'runtime',
        `${failures.length} run${failures.length === 1 ? '' : 's'} failed:\n${failures.map((f) => `  ${(f as Error).message}`).join('\n')}\nrerun the same command to retry them (complete runs are kept)`,
      );
    invocation.wallSeconds = (Date.now() - started) / 1000;
    await writeStatus('complete');
    await writeExperimentReport(outDir);
    return { status: 'complete', outDir, results, wallSeconds: invocation.wallSeconds };
  } catch (error) {
    invocation.wallSeconds = (Date.now() - started) / 1000;
    const aborted = signal.aborted || (isSrlError(error) && error.kind === 'aborted');
    await writeStatus(aborted ? 'interrupted' : 'failed', aborted ? {} : { error: (error as Error).message });
    if (aborted) return { status: 'interrupted', outDir, results, wallSeconds: invocation.wallSeconds };
    throw error;
  }
}

/** Runs jobs with at most `workers` at a time; a failed job does not stop the others. Returns the failures. */
async function runPool(jobs: (() => Promise<void>)[], workers: number, signal: AbortSignal): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal.aborted) {
      const job = jobs[next++];
      try {
        await job();
      } catch (error) {
        if (!(isSrlError(error) && error.kind === 'aborted')) failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, worker));
  return failures;
}
