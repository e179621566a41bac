import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { SrlError, writeFileAtomic } from '@srl/core';
import type { EvalRecipes } from './experiment-files';
import { curvePoints, readRunBudget, type BudgetPoint } from './run-budget';
import { runSrlChild } from './srl-child';

/** Greedy accuracy and avg@k of one evaluation, per benchmark. */
export type EvalFigures = Record<string, { greedy?: number; avgAtK?: number }>;

export interface ArmSeedResult {
  arm: string;
  seed: number;
  /** False when this invocation found it complete already. */
  ran: boolean;
  spent: number;
  trainSeconds: number;
  evalSeconds: number;
  final: EvalFigures;
  /** Mean filter rate over the run's GRPO steps (null without any). */
  filterRate: number | null;
}

export interface ArmSeedInput {
  arm: { name: string; recipe: string };
  seed: number;
  /** `<out>/arms/<arm>/seed-<s>`. */
  dir: string;
  baseCheckpoint: string;
  evalRecipes: EvalRecipes;
  curvePoints: number;
  planned: number;
  /** The token budget of each stage of the arm's recipe (`tokenBudget`); absent: the budget is only logged. */
  stageBudgets?: number[];
  /** Smoke runs: `--max-steps` for every stage. */
  maxSteps?: number;
  cwd: string;
  signal: AbortSignal;
  /** One line of progress (the experiment prints it with the arm's name). */
  report: (message: string) => void;
}

/** Reads an eval folder's summary.json into figures per benchmark. */
export function readEvalFigures(dir: string): EvalFigures {
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as {
    summaries: { benchmark: string; greedyAccuracy?: number; avgAtK?: number }[];
  };
  return Object.fromEntries(summary.summaries.map((s) => [s.benchmark, { greedy: s.greedyAccuracy, avgAtK: s.avgAtK }]));
}

/**
 * `srl eval` of one checkpoint into `outDir`, written to a temporary folder and renamed when complete,
 * so an interrupted evaluation is redone and a present folder is always whole.
 */
export async function evaluateCheckpoint(input: {
  recipe: string;
  checkpoint: string;
  outDir: string;
  logFile: string;
  cwd: string;
  signal: AbortSignal;
  point?: object;
}): Promise<number> {
  if (existsSync(path.join(input.outDir, 'summary.json'))) return 0;
  const tmp = `${input.outDir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  const child = await runSrlChild({
    args: ['eval', input.recipe, '--checkpoint', input.checkpoint, '--out', tmp],
    logFile: input.logFile,
    cwd: input.cwd,
    signal: input.signal,
  });
  if (child.code !== 0) {
    if (input.signal.aborted) throw new SrlError('aborted', `evaluation of ${input.checkpoint} stopped`);
    throw new SrlError('runtime', `srl eval of ${input.checkpoint} exited with ${child.signal ?? child.code}; its log: ${input.logFile}`);
  }
  if (input.point) await writeFileAtomic(path.join(tmp, 'point.json'), `${JSON.stringify(input.point, null, 2)}\n`);
  await rm(input.outDir, { recursive: true, force: true });
  await rename(tmp, input.outDir);
  return child.seconds;
}

/**
 * One arm and seed: trains the arm's recipe from the base checkpoint (`srl train --resume`, so an
 * interrupted run continues), writes budget.json, evaluates the curve checkpoints and the final one,
 * and writes done.json last. A complete arm-seed (done.json) is skipped.
 */
export async function runArmSeed(input: ArmSeedInput): Promise<ArmSeedResult> {
  const { dir, arm, seed } = input;
  const doneFile = path.join(dir, 'done.json');
  if (existsSync(doneFile)) return { ...(JSON.parse(readFileSync(doneFile, 'utf8')) as ArmSeedResult), ran: false };
  await mkdir(path.join(dir, 'evals'), { recursive: true });
  const runDir = path.join(dir, 'run');
  const logFile = path.join(dir, 'log.txt');
  const resuming = existsSync(path.join(runDir, 'run.json'));
  input.report(`seed ${seed}: ${resuming ? 'resuming' : 'training'}`);
  const args = [
    'train',
    arm.recipe,
    '--out',
    runDir,
    '--resume',
    '--keep-checkpoints',
    '1000',
    '--set',
    `policy.options.checkpoint=${JSON.stringify(input.baseCheckpoint)}`,
    '--set',
    `seed=${seed}`,
    '--set',
    `policy.options.seed=${seed}`,
    ...(input.stageBudgets ?? []).flatMap((tokens, i) => ['--set', `stages[${i}].options.tokenBudget=${tokens}`]),
    ...(input.maxSteps !== undefined ? ['--max-steps', String(input.maxSteps)] : []),
  ];
  const train = await runSrlChild({ args, logFile, cwd: input.cwd, signal: input.signal });
  if (train.code !== 0) {
    if (input.signal.aborted || train.code === 130)
      throw new SrlError('aborted', `${arm.name} seed ${seed}: training stopped; rerun the experiment to continue`);
    throw new SrlError('runtime', `${arm.name} seed ${seed}: srl train exited with ${train.signal ?? train.code}; its log: ${logFile}`);
  }
  const budget = readRunBudget(runDir);
  const { filterRate } = budget;
  await writeFileAtomic(
    path.join(dir, 'budget.json'),
    `${JSON.stringify({ kind: budget.kind, spent: budget.spent, planned: input.planned, enforced: input.stageBudgets !== undefined, byStage: budget.byStage }, null, 2)}\n`,
  );
  const points = curvePoints(budget, input.curvePoints);
  if (!points.length) throw new SrlError('runtime', `${arm.name} seed ${seed}: ${runDir} has no final checkpoint to evaluate`);
  input.report(
    `seed ${seed}: trained in ${train.seconds.toFixed(0)} s, ${budget.spent} tokens (${((100 * budget.spent) / input.planned).toFixed(0)}% of the budget)` +
      (filterRate !== null ? `, mean filter rate ${filterRate.toFixed(2)}` : '') +
      `; evaluating ${points.length} checkpoints`,
  );
  let evalSeconds = 0;
  for (const p of points) {
    evalSeconds += await evaluateCheckpoint({
      recipe: p.final ? input.evalRecipes.final : input.evalRecipes.curve,
      checkpoint: p.dir,
      outDir: path.join(dir, 'evals', String(p.tokens)),
      logFile,
      cwd: input.cwd,
      signal: input.signal,
      point: describePoint(p),
    });
  }
  const finalPoint = points[points.length - 1];
  const result: ArmSeedResult = {
    arm: arm.name,
    seed,
    ran: true,
    spent: budget.spent,
    trainSeconds: train.seconds,
    evalSeconds,
    final: readEvalFigures(path.join(dir, 'evals', String(finalPoint.tokens))),
    filterRate,
  };
  await writeFileAtomic(doneFile, `${JSON.stringify({ ...result, finishedAt: new Date().toISOString() }, null, 2)}\n`);
  return result;
}

function describePoint(p: BudgetPoint): object {
  return { tokens: p.tokens, stage: p.stage, step: p.step, checkpoint: p.dir, final: p.final };
}
