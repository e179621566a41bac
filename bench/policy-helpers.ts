// Helpers of bench/policy.ts: its arguments, timers, number formats and the kernel profile per call.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Tf from '@tensorflow/tfjs-core';
import { profileKernels, type KernelStats } from './kernel-profile.ts';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
// The copy of tfjs-core the policies package imports (bench/ has no node_modules of its own).
export const tf = createRequire(path.join(repoRoot, 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;

export function parseArgs(argv: string[]): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {
    batch: 16,
    seq: 64,
    iters: 10,
    warmup: 3,
    'new-tokens': 48,
    'prompt-len': 16,
    samples: 4,
    'gen-iters': 5,
    rounds: 3,
    'profile-rows': 16,
    threads: 1,
    workers: 1,
    preset: 'gpt2-bench',
    backend: 'auto',
    kernels: 'auto',
    'generation-backend': 'auto',
    profile: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-profile') out.profile = false;
    else if (a.startsWith('--') && a.slice(2) in out && i + 1 < argv.length) {
      const key = a.slice(2);
      const v = argv[++i];
      if (typeof out[key] === 'number') {
        if (!(Number.isInteger(Number(v)) && Number(v) > 0)) throw new Error(`${a} ${v}: expected a positive integer`);
        out[key] = Number(v);
      } else out[key] = v;
    } else
      throw new Error(
        `unknown argument ${a}; options: ${Object.keys(out)
          .map((k) => `--${k}`)
          .join(' ')} --no-profile`,
      );
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
export function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
/** Median ms of `iters` runs after `warmup` runs. */
export function bench(fn: () => void, warmup: number, iters: number): number {
  for (let i = 0; i < warmup; i++) fn();
  return median(Array.from({ length: iters }, () => timeIt(fn)));
}
/** Every tensor reachable from `value` (objects and arrays walked), once each. */
export function tensorsIn(value: unknown, found = new Set<Tf.Tensor>()): Tf.Tensor[] {
  if (value instanceof tf.Tensor) found.add(value);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) tensorsIn(v, found);
  return [...found];
}
export const fmt = (x: number, digits = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ratio = (slow: number, fast: number): string => (slow >= fast ? `${fmt(slow / fast, 2)}x slower` : `${fmt(fast / slow, 2)}x faster`);

/** The phase kernels are attributed to while profiling ('forward' until a loss function says 'backward'). */
export const profiling = { phase: 'all' };

/** Kernel self times (kernel-profile.ts) per call of `fn`, the mean over `reps` calls, by phase. */
export async function profile(fn: () => void, reps: number): Promise<{ phases: Map<string, KernelStats>; wall: number }> {
  let result: Awaited<ReturnType<typeof profileKernels>>;
  try {
    result = await profileKernels(
      tf,
      () => {
        for (let i = 0; i < reps; i++) fn();
      },
      () => profiling.phase,
    );
  } finally {
    profiling.phase = 'all';
  }
  const per = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k, v / reps]));
  for (const p of result.phases.values()) {
    Object.assign(p, {
      byKernel: per(p.byKernel),
      byShape: per(p.byShape),
      calls: per(p.calls),
      shapeCalls: per(p.shapeCalls),
      total: p.total / reps,
      count: p.count / reps,
    });
  }
  return { phases: result.phases, wall: result.wall / reps };
}
/** The `n` largest entries of a kernel map (ms, % of `total`), with call counts when given. */
export function top(map: Map<string, number>, n: number, total: number, calls?: Map<string, number>): string[] {
  return [...map]
    .filter(([, v]) => v > 0.005)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, v]) =>
        `    ${fmt(v, 2).padStart(8)} ms ${fmt((100 * v) / total, 0).padStart(3)}%  ${k}${calls === undefined ? '' : ` (${Math.round(calls.get(k) ?? 0)} calls)`}`,
    );
}
