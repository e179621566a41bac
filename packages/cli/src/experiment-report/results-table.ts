import type { EvalSummary } from '@srl/core';
import type { EvalPoint, Experiment, SeedResult } from './read-experiment';
import { spread, type Spread } from './spread';

export interface ResultColumn {
  benchmark: string;
  metric: 'greedy' | 'avg';
  title: string;
}

export interface ResultRow {
  arm: string;
  label: string;
  ablation: boolean;
  /** The base model's row (one evaluation, no seeds). */
  base: boolean;
  /** One per column: the metric over the seeds' final evaluations. */
  cells: (Spread | null)[];
  budget: Spread | null;
  /** Dynamic sampling: each seed's mean filter rate over its GRPO steps, then mean ± std over seeds; null for SFT. */
  filterRate: Spread | null;
  /** Seeds with a final evaluation, seeds not started, and seeds started without a final evaluation yet. */
  seedsEvaluated: number[];
  seedsMissing: number[];
  seedsInProgress: number[];
}

export interface ResultsTable {
  columns: ResultColumn[];
  budgetKind: string;
  rows: ResultRow[];
}

/** Held-out benchmarks: experiment.json's order, else hard first, then easy, then any other, as found. */
export function benchmarkOrder(evals: EvalPoint[], announced: readonly string[] = []): string[] {
  const names = [...new Set([...announced, ...evals.flatMap((e) => e.summaries.map((s) => s.benchmark))])];
  if (announced.length) return names;
  const rank = (n: string): number => (/hard/i.test(n) ? 0 : /easy/i.test(n) ? 1 : 2);
  return names
    .map((n, i) => ({ n, i }))
    .sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i)
    .map(({ n }) => n);
}

export const metricOf = (summary: EvalSummary | undefined, metric: ResultColumn['metric']): number | undefined =>
  metric === 'greedy' ? summary?.greedyAccuracy : summary?.avgAtK;

/**
 * The seed's final evaluation: the one point.json marks final, or, when no point says, the largest
 * budget of a seed that is done. A seed still running has none (its latest point is greedy-only).
 */
export function finalEval(seed: SeedResult): EvalPoint | undefined {
  const marked = seed.evals.find((e) => e.final === true);
  if (marked) return marked;
  return seed.done && seed.evals.every((e) => e.final === undefined) ? seed.evals[seed.evals.length - 1] : undefined;
}

/** Every evaluation of the experiment, base included. */
export const allEvals = (exp: Experiment): EvalPoint[] => [...(exp.base ? [exp.base] : []), ...exp.arms.flatMap((a) => a.seeds.flatMap((s) => s.evals))];

/** Mean `filter_rate` over a seed's training steps (validation lines aside); undefined without GRPO stages. */
function meanFilterRate(seed: SeedResult): number | undefined {
  const rates = seed.stages.flatMap(({ lines }) =>
    lines.filter((l) => l.type === undefined && typeof l.filter_rate === 'number').map((l) => l.filter_rate as number),
  );
  return rates.length ? rates.reduce((a, r) => a + r, 0) / rates.length : undefined;
}

/**
 * The paper's table: one row per arm (the base first), greedy accuracy and avg@k per held-out
 * benchmark, each the mean and sample std over the seeds' final evaluations, and the budget spent.
 */
export function resultsTable(exp: Experiment): ResultsTable {
  const evals = allEvals(exp);
  const k = evals.flatMap((e) => e.summaries).find((s) => s.k)?.k;
  const columns: ResultColumn[] = benchmarkOrder(
    evals,
    (exp.meta?.benchmarks ?? []).map((b) => b.name),
  ).flatMap((benchmark) => [
    { benchmark, metric: 'greedy' as const, title: `${benchmark} greedy` },
    ...(evals.some((e) => e.summaries.some((s) => s.benchmark === benchmark && s.avgAtK !== undefined))
      ? [{ benchmark, metric: 'avg' as const, title: `${benchmark} avg@${k ?? 'k'}` }]
      : []),
  ]);
  const cellsOf = (points: (EvalPoint | undefined)[]): (Spread | null)[] =>
    columns.map((c) =>
      spread(
        points.map((p) =>
          metricOf(
            p?.summaries.find((s) => s.benchmark === c.benchmark),
            c.metric,
          ),
        ),
      ),
    );
  const rows: ResultRow[] = [];
  if (exp.base) {
    rows.push({
      arm: 'base',
      label: 'base model',
      ablation: false,
      base: true,
      cells: cellsOf([exp.base]),
      budget: null,
      filterRate: null,
      seedsEvaluated: [],
      seedsMissing: [],
      seedsInProgress: [],
    });
  }
  for (const arm of exp.arms) {
    const evaluated = arm.seeds.filter((s) => finalEval(s));
    rows.push({
      arm: arm.name,
      label: arm.label,
      ablation: arm.ablation,
      base: false,
      cells: cellsOf(evaluated.map(finalEval)),
      budget: spread(evaluated.map((s) => s.budget?.spent ?? finalEval(s)?.spent)),
      filterRate: spread(evaluated.map(meanFilterRate)),
      seedsEvaluated: evaluated.map((s) => s.seed),
      seedsMissing: arm.seeds.filter((s) => !s.present).map((s) => s.seed),
      seedsInProgress: arm.seeds.filter((s) => s.present && !finalEval(s)).map((s) => s.seed),
    });
  }
  const budgetKind = exp.meta?.budget?.kind ?? exp.arms.flatMap((a) => a.seeds).find((s) => s.budget?.kind)?.budget?.kind ?? 'budget';
  return { columns, budgetKind, rows };
}

/** `12.5 ± 3.1` (percent, sample std), `12.5` for one value, `–` for none. */
export function formatPercent(s: Spread | null): string {
  if (!s) return '–';
  return s.std === null ? (100 * s.mean).toFixed(1) : `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}`;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatBudget(s: Spread | null): string {
  if (!s) return '–';
  return s.std === null ? integer.format(s.mean) : `${integer.format(s.mean)} ± ${integer.format(s.std)}`;
}

/** What the seeds column says: `3/3`, `1/3 (running: 1; missing 2)`. */
export function formatSeeds(row: ResultRow, seeds: number[]): string {
  if (row.base) return '–';
  const notes = [
    ...(row.seedsInProgress.length ? [`running: ${row.seedsInProgress.join(', ')}`] : []),
    ...(row.seedsMissing.length ? [`missing ${row.seedsMissing.join(', ')}`] : []),
  ];
  return `${row.seedsEvaluated.length}/${seeds.length}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

export const rowLabel = (row: ResultRow): string => (row.ablation ? `${row.label} (ablation)` : row.label);
