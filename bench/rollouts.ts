// Rollout-like variants of expert steps for the benchmarks: a few words replaced, dropped or inserted,
// from one seeded generator (srl's, 32-bit draws), so a bench's workload is the same on every run.
import { SeededRng } from '../packages/core/src/training/seeded-rng.ts';

const VOCABULARY = ['so', 'the', 'total', 'is', '=', '24', '$', 'each', 'then', 'we', 'get', '48/2', 'x'];

export interface RolloutSource {
  /** Uniform in [0, 1). */
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  /** A rollout-like variant of `text`: about `rate` of its words replaced, dropped or inserted. */
  edit: (text: string, rate: number) => string;
}

export function rolloutSource(seed: number): RolloutSource {
  const rng = new SeededRng(seed);
  const rand = (): number => rng.uniform32();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const edit = (text: string, rate: number): string => {
    const words = text.split(' ');
    for (let n = Math.max(1, Math.round(words.length * rate)); n > 0; n--) {
      const at = Math.floor(rand() * words.length);
      const op = rand();
      if (op < 0.4) words[at] = pick(VOCABULARY);
      else if (op < 0.7) words.splice(at, 1);
      else words.splice(at, 0, pick(VOCABULARY));
    }
    return words.join(' ');
  };
  return { rand, pick, edit };
}
