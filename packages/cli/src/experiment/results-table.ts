import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@srl/core';
import { readEvalFigures, type ArmSeedResult, type EvalFigures } from './run-arm-seed';

/** Mean and sample standard deviation (0 for one value) of the values, in percent. */
export function meanSpread(values: number[]): { mean: number; spread: number; n: number } {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const spread = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, spread, n };
}

const pct = (values: (number | undefined)[]): string => {
  const v = values.filter((x): x is number => typeof x === 'number');
  if (!v.length) return '-';
  const { mean, spread, n } = meanSpread(v.map((x) => 100 * x));
  return n > 1 ? `${mean.toFixed(1)} ± ${spread.toFixed(1)}` : mean.toFixed(1);
};

/** One progress line for an arm: its final greedy accuracy per benchmark over the seeds done so far. */
export function summarizeArm(done: ArmSeedResult[]): string {
  const benchmarks = [...new Set(done.flatMap((r) => Object.keys(r.final)))];
  const parts = benchmarks.map((b) => `${b} greedy ${pct(done.map((r) => r.final[b]?.greedy))}, avg@k ${pct(done.map((r) => r.final[b]?.avgAtK))}`);
  const rates = done.map((r) => r.filterRate).filter((x): x is number => x !== null);
  return parts.join('; ') + (rates.length ? `; filter rate ${pct(rates)}` : '');
}

interface ExperimentDoc {
  name: string;
  seeds: number[];
  arms: { name: string; label: string; ablation: boolean }[];
  benchmarks: { name: string; label: string }[];
  budget: { kind: string; perArm: number };
  wallSeconds: number | null;
  machine: { cpus: number; backend: string; loadavg: number[] };
}

/** The final evaluation of an arm-seed: the eval folder with the largest budget. */
function finalEval(seedDir: string): EvalFigures | null {
  const evals = path.join(seedDir, 'evals');
  if (!existsSync(path.join(seedDir, 'done.json')) || !existsSync(evals)) return null;
  const points = readdirSync(evals).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
  return points.length ? readEvalFigures(path.join(evals, String(points.at(-1)))) : null;
}

/**
 * Writes `<out>/results.md`: one row per arm (and the base), greedy accuracy and avg@k on each
 * benchmark as mean ± sample std over the seeds, the budget spent and the mean filter rate.
 */
export async function writeResultsTable(outDir: string): Promise<string> {
  const doc = JSON.parse(readFileSync(path.join(outDir, 'experiment.json'), 'utf8')) as ExperimentDoc;
  const header = ['arm', 'seeds', ...doc.benchmarks.flatMap((b) => [`${b.name} greedy`, `${b.name} avg@k`]), `${doc.budget.kind} spent`];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  const baseEval = path.join(outDir, 'base', 'eval');
  if (existsSync(path.join(baseEval, 'summary.json'))) {
    const f = readEvalFigures(baseEval);
    lines.push(`| base | - | ${doc.benchmarks.flatMap((b) => [pct([f[b.name]?.greedy]), pct([f[b.name]?.avgAtK])]).join(' | ')} | 0 |`);
  }
  for (const arm of doc.arms) {
    const figures: EvalFigures[] = [];
    const spent: number[] = [];
    for (const seed of doc.seeds) {
      const dir = path.join(outDir, 'arms', arm.name, `seed-${seed}`);
      const f = finalEval(dir);
      if (!f) continue;
      figures.push(f);
      spent.push((JSON.parse(readFileSync(path.join(dir, 'budget.json'), 'utf8')) as { spent: number }).spent);
    }
    const cells = doc.benchmarks.flatMap((b) => [pct(figures.map((f) => f[b.name]?.greedy)), pct(figures.map((f) => f[b.name]?.avgAtK))]);
    const tokens = spent.length ? Math.round(meanSpread(spent).mean).toLocaleString('en-US') : '-';
    lines.push(`| ${arm.label}${arm.ablation ? ' (ablation)' : ''} | ${figures.length} | ${cells.join(' | ')} | ${tokens} |`);
  }
  const text = [
    `# ${doc.name}: results`,
    '',
    `Accuracy in % on the held-out problems: mean ± sample standard deviation over seeds ${doc.seeds.join(', ')}. Budget per arm: ${doc.budget.perArm.toLocaleString('en-US')} ${doc.budget.kind}.`,
    doc.wallSeconds !== null ? `Wall time ${(doc.wallSeconds / 60).toFixed(1)} min on ${doc.machine.cpus} CPUs (${doc.machine.backend}), load average at the end ${doc.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}.` : '',
    '',
    ...lines,
    '',
  ].join('\n');
  await writeFileAtomic(path.join(outDir, 'results.md'), text);
  return text;
}
