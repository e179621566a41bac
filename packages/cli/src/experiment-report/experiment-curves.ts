import type { SeriesPoint } from '../report/charts';
import { globalStepOffsets } from '../report/metric-groups';
import type { Experiment } from './read-experiment';
import { metricOf, type ResultColumn } from './results-table';
import { spread, type Spread } from './spread';

const point = (series: string, x: number, s: Spread): SeriesPoint => ({
  series,
  step: x,
  value: s.mean,
  ...(s.std !== null ? { lo: s.mean - s.std, hi: s.mean + s.std } : {}),
});

/**
 * Held-out accuracy against budget spent, one series per arm: the i-th evaluation of every seed
 * is averaged (x: the mean budget spent at it, y: mean ± sample std of the metric over seeds).
 */
export function learningCurve(exp: Experiment, benchmark: string, metric: ResultColumn['metric']): SeriesPoint[] {
  return exp.arms.flatMap((arm) => {
    const seeds = arm.seeds.filter((s) => s.evals.length);
    const count = Math.max(0, ...seeds.map((s) => s.evals.length));
    const points: SeriesPoint[] = [];
    for (let i = 0; i < count; i++) {
      const at = seeds.map((s) => s.evals[i]).filter((e) => e !== undefined);
      const x = spread(at.map((e) => e.spent));
      const y = spread(
        at.map((e) =>
          metricOf(
            e.summaries.find((s) => s.benchmark === benchmark),
            metric,
          ),
        ),
      );
      if (x && y) points.push(point(arm.label, x.mean, y));
    }
    return points;
  });
}

/**
 * A training metric (e.g. `filter_rate`, `reward/mean`) over the arm's global steps, mean ± sample
 * std over seeds at each step; an arm with several stages that log the key gets one series per stage.
 */
export function trainingCurve(exp: Experiment, key: string): SeriesPoint[] {
  return exp.arms.flatMap((arm) => {
    const byPoint = new Map<string, { stage: string; step: number; values: number[] }>();
    for (const seed of arm.seeds) {
      const offsets = globalStepOffsets(seed.stages);
      for (const { name, lines } of seed.stages) {
        for (const line of lines) {
          const v = line[key];
          if (line.type !== undefined || typeof v !== 'number' || !Number.isFinite(v)) continue;
          const step = (offsets.get(name) ?? 0) + line.step;
          const id = `${name}\u0000${step}`;
          const entry = byPoint.get(id) ?? { stage: name, step, values: [] };
          entry.values.push(v);
          byPoint.set(id, entry);
        }
      }
    }
    const stages = new Set([...byPoint.values()].map((e) => e.stage));
    return [...byPoint.values()]
      .sort((a, b) => a.step - b.step)
      .map((e) => point(stages.size > 1 ? `${arm.label}: ${e.stage.replace(/^\d+-/, '')}` : arm.label, e.step, spread(e.values)!));
  });
}
