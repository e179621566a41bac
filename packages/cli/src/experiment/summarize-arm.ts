import { spread } from '../experiment-report/spread';
import type { ArmSeedResult } from './run-arm-seed';

/** `12.5 ± 3.1` in percent over the values given (seeds), `-` for none. */
const pct = (values: readonly (number | null | undefined)[]): string => {
  const s = spread(values.map((v) => (typeof v === 'number' ? 100 * v : v)));
  if (!s) return '-';
  return s.std === null ? s.mean.toFixed(1) : `${s.mean.toFixed(1)} ± ${s.std.toFixed(1)}`;
};

/** One progress line for an arm: its final greedy accuracy and avg@k per benchmark over the seeds done so far, and its filter rate. */
export function summarizeArm(done: ArmSeedResult[]): string {
  const benchmarks = [...new Set(done.flatMap((r) => Object.keys(r.final)))];
  const parts = benchmarks.map((b) => `${b} greedy ${pct(done.map((r) => r.final[b]?.greedy))}%, avg@k ${pct(done.map((r) => r.final[b]?.avgAtK))}%`);
  const rates = done.map((r) => r.filterRate).filter((x): x is number => x !== null);
  return parts.join('; ') + (rates.length ? `; filter rate ${pct(rates)}%` : '');
}
