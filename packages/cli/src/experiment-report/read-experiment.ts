import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SrlError, type EvalSummary } from '@srl/core';
import { readStages } from '../report/write-report';
import type { StageMetrics } from '../report/metric-groups';

/** `<out>/experiment.json`, as `srl experiment` writes it (every field optional: a report of a damaged folder still shows what is there). */
export interface ExperimentMeta {
  name?: string;
  seeds?: number[];
  arms?: { name: string; label?: string; ablation?: boolean }[];
  /** Held-out benchmarks in table order, with their display labels. */
  benchmarks?: { name: string; label?: string }[];
  budget?: { kind?: string; perArm?: number; enforced?: boolean; rule?: string };
  status?: string;
  startedAt?: string;
  finishedAt?: string | null;
  wallSeconds?: number | null;
  machine?: { cpus?: number; backend?: string; node?: string; [key: string]: unknown };
}

/** One `srl eval` output folder: `<arm>/seed-<s>/evals/<spent>/` or `<out>/base/eval/`. */
export interface EvalPoint {
  /** Budget spent when the evaluated checkpoint was written (the folder's name); 0 for the base. */
  spent: number;
  dir: string;
  summaries: EvalSummary[];
  /** From point.json: the seed's final evaluation (greedy and avg@k), not an intermediate greedy-only one. */
  final?: boolean;
}

export interface SeedResult {
  seed: number;
  /** The seed's folder exists. */
  present: boolean;
  /** Evaluations in budget order; the last is the final one. */
  evals: EvalPoint[];
  budget: { spent: number; kind?: string; planned?: number; byStage?: Record<string, unknown> } | null;
  /** done.json is there: training and every evaluation of this seed finished. */
  done: boolean;
  /** The run's status from run.json (running, complete, stopped, failed, ...). */
  runStatus: string | null;
  stages: StageMetrics[];
}

export interface ArmResult {
  name: string;
  label: string;
  ablation: boolean;
  seeds: SeedResult[];
}

export interface Experiment {
  dir: string;
  name: string;
  meta: ExperimentMeta | null;
  status: string;
  seeds: number[];
  base: EvalPoint | null;
  arms: ArmResult[];
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null; // missing, or cut by an interrupted write: the report shows it as missing
  }
}

const subdirs = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [];

function readEval(dir: string, spent: number): EvalPoint | null {
  const summary = readJson<{ summaries?: EvalSummary[] }>(path.join(dir, 'summary.json'));
  const point = readJson<{ final?: boolean }>(path.join(dir, 'point.json'));
  return summary?.summaries ? { spent, dir, summaries: summary.summaries, ...(typeof point?.final === 'boolean' ? { final: point.final } : {}) } : null;
}

function readSeed(seedDir: string, seed: number): SeedResult {
  const present = existsSync(seedDir);
  const evalsDir = path.join(seedDir, 'evals');
  const evals = subdirs(evalsDir)
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEval(path.join(evalsDir, name), Number(name)))
    .filter((e): e is EvalPoint => e !== null)
    .sort((a, b) => a.spent - b.spent);
  const runDir = path.join(seedDir, 'run');
  const budget = readJson<SeedResult['budget']>(path.join(seedDir, 'budget.json'));
  return {
    seed,
    present,
    evals,
    budget: budget && typeof budget.spent === 'number' ? budget : null,
    done: existsSync(path.join(seedDir, 'done.json')),
    runStatus: readJson<{ status?: string }>(path.join(runDir, 'run.json'))?.status ?? null,
    stages: existsSync(path.join(runDir, 'stages')) ? readStages(runDir) : [],
  };
}

/**
 * Reads an experiment folder written by `srl experiment` (see examples/srl-vs-rlvr/LAYOUT.md). Works on
 * a partial folder: arms and seeds that experiment.json announces but that are not there yet come back
 * with `present: false` and no evaluations; arms found on disk but not announced are added after the others.
 */
export function readExperiment(outDir: string): Experiment {
  const dir = path.resolve(outDir);
  const meta = readJson<ExperimentMeta>(path.join(dir, 'experiment.json'));
  if (!meta && !existsSync(path.join(dir, 'arms')) && !existsSync(path.join(dir, 'base'))) {
    throw new SrlError(
      'usage',
      `${dir} is not an experiment folder: it has no experiment.json, arms/ or base/ (run \`srl experiment <file> --out ${outDir}\` first)`,
    );
  }
  const armsDir = path.join(dir, 'arms');
  const onDisk = subdirs(armsDir).sort();
  const announced = meta?.arms ?? [];
  const armSpecs: NonNullable<ExperimentMeta['arms']> = [
    ...announced,
    ...onDisk.filter((name) => !announced.some((a) => a.name === name)).map((name) => ({ name })),
  ];
  const seedsOnDisk = onDisk.flatMap((arm) =>
    subdirs(path.join(armsDir, arm))
      .map((s) => /^seed-(-?\d+)$/.exec(s)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number),
  );
  const seeds = [...new Set([...(meta?.seeds ?? []), ...seedsOnDisk])].sort((a, b) => a - b);
  const arms = armSpecs.map((spec) => ({
    name: spec.name,
    label: spec.label || spec.name,
    ablation: spec.ablation === true,
    seeds: seeds.map((seed) => readSeed(path.join(armsDir, spec.name, `seed-${seed}`), seed)),
  }));
  return {
    dir,
    name: meta?.name ?? path.basename(dir),
    meta,
    status: meta?.status ?? 'unknown',
    seeds,
    base: readEval(path.join(dir, 'base', 'eval'), 0),
    arms,
  };
}
