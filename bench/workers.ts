// Benchmark: data-parallel SRL steps (the policy's `workers` option) on the quickstart's SRL step shape.
// Run: pnpm bench workers [--workers 1,2] [--rounds 6] [--steps 3] [--warmup 1] [--budget-mb 256] [--hidden 64] [--layers 2]
// One step samples 4 prompts x 8 completions of 40 tokens (generate, prompts shared between the threads), then
// takes one trainStep: the clipped policy gradient (token-mean, clip 0.2) on 4 prompts x 8 completions: byte
// prompts of 300-610 tokens (the quickstart's GSM8K SRL prompts are up to 640), 24-40 completion tokens, the
// quickstart's model (llama-tiny 64 x 2 layers). Micro-batches come from the memory budget as in the policy
// (default 256 MB). Besides wall times it reads each thread's CPU time (/proc/self/task): "busiest thread" is the
// step's critical path, so "busiest thread 1 worker / this" is the speed-up the split allows when a core is free
// for every thread, which a loaded machine's wall times understate.
// Per phase it also splits each thread's wall time (/proc/self/task/*/schedstat, nanoseconds): run (on a core),
// runq (runnable, waiting for a core: the machine's other load, or this process's own threads on too few cores)
// and idle (the rest: blocked, e.g. waiting for the other threads at the end of a phase), for the main thread
// and the pool's worker threads (summed over the workers), plus the CPU of the process's other threads (V8's
// compiler and GC helpers, libuv). "floor" is the larger of the busiest thread's CPU and the phase's CPU over the
// cores: no schedule on this many cores is faster; floor on 1 worker / floor on 2 is the speed-up 2 free cores allow.
// Rounds alternate the worker counts (1, 2, 1, 2, ...) so the machine's other load hits each; each round times
// `steps` steps after `warmup` untimed steps; figures are medians over rounds. The load average is printed before and
// after: on a shared machine the speed-up reads low (a second thread only helps when a second core is free).
// The pools start before the first round, and starting one turns V8's background GC and compiler helpers off for
// the whole process (quiet-v8-helpers.ts), so 1-worker rounds here run without them too, unlike a policy with
// `workers: 1` (no pool); SRL_V8_HELPERS=keep runs every round with V8's defaults.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrainingItem, TrainStepInput } from '@srl/core';
import { selectBackend } from '../packages/policies/src/backend/select-backend.ts';
import { transformerPreset } from '../packages/policies/src/model/presets.ts';
import { Transformer } from '../packages/policies/src/model/transformer.ts';
import { SeededRng } from '../packages/core/src/training/seeded-rng.ts';
import { generate, type GenerateOptions } from '../packages/policies/src/generation/generate.ts';
import { GradientPool } from '../packages/policies/src/parallel/gradient-pool.ts';
import { generateAcrossLanes } from '../packages/policies/src/parallel/parallel-generate.ts';
import { planChunks } from '../packages/policies/src/parallel/start-workers.ts';
import { AdamW } from '../packages/policies/src/training/adamw.ts';
import { trainStep } from '../packages/policies/src/training/train-step.ts';

const opts = { workers: [1, 2], rounds: 6, steps: 3, warmup: 1, budgetMb: 256, hidden: 64, layers: 2 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [k, v] = [argv[i], argv[i + 1] ?? ''];
  if (k === '--workers') opts.workers = v.split(',').map(Number);
  else if (k === '--rounds') opts.rounds = Number(v);
  else if (k === '--steps') opts.steps = Number(v);
  else if (k === '--warmup') opts.warmup = Number(v);
  else if (k === '--budget-mb') opts.budgetMb = Number(v);
  else if (k === '--hidden') opts.hidden = Number(v);
  else if (k === '--layers') opts.layers = Number(v);
  else throw new Error(`unknown argument ${k}; options: --workers --rounds --steps --warmup --budget-mb --hidden --layers`);
}

await selectBackend({ backend: 'wasm' });
// The quickstart's model by default; --hidden / --layers scale it (MLP 2.75x hidden, as the quickstart's 176 / 64).
const config = {
  ...transformerPreset('llama-tiny'),
  hiddenSize: opts.hidden,
  numLayers: opts.layers,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: Math.round(2.75 * opts.hidden),
  maxPositions: 768,
};
let seed = 1;
const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
const items: TrainingItem[] = [300, 420, 520, 610].flatMap((len) => {
  const prompt = Array.from({ length: len }, () => 32 + rand(90));
  return Array.from({ length: 8 }, (_, k) => {
    const completion = Array.from({ length: 24 + rand(17) }, () => 32 + rand(90));
    return { promptTokenIds: prompt, completionTokenIds: completion, advantage: k % 2 ? 0.8 : -0.8, oldLogprobs: completion.map(() => -4.6) };
  });
});
const objective: TrainStepInput['objective'] = { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' };
const budget = opts.budgetMb * 2 ** 20;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const model = Transformer.random(config, 0);
const pools = new Map<number, GradientPool | null>();
for (const w of opts.workers) pools.set(w, w > 1 ? await GradientPool.start({ lanes: w, config, backend: 'wasm', kernels: model.kernels.name }) : null);
/** Each pool's worker threads (OS thread ids). */
const poolThreads = new Map(opts.workers.map((w) => [w, new Set((pools.get(w)?.threadIds ?? []).filter((t) => t !== null))]));
/** One phase's ms per step: wall, and run / runq / idle of the main thread and of the workers (summed), other threads' run. */
interface PhaseSplit {
  wall: number;
  main: [number, number, number];
  workers: [number, number, number];
  other: number;
}
interface Timing {
  generation: number;
  update: number;
  /** CPU ms of all threads, and of the busiest one, per step. */
  cpu: number;
  busiest: number;
  split: { generation: PhaseSplit; update: PhaseSplit };
}
const times = new Map<number, Timing[]>(opts.workers.map((w) => [w, []]));
const prompts = [...new Set(items.map((it) => it.promptTokenIds))];
const sampling = (seed: number): GenerateOptions => ({ n: 8, maxTokens: 40, temperature: 1, topP: 1, topK: 0, eosTokenIds: [], rng: new SeededRng(seed) });
/** CPU ms so far of each thread of this process (utime + stime; 100 ticks a second). */
const threadCpu = (): Map<string, number> =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      return [tid, (Number(f[11]) + Number(f[12])) * 10];
    }),
  );
/** Each thread's [run, runq] ms so far (schedstat: on a core, runnable waiting for one). */
const threadSched = (): Map<string, [number, number]> =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const f = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
      return [tid, [Number(f[0]) / 1e6, Number(f[1]) / 1e6]];
    }),
  );
const emptySplit = (): PhaseSplit => ({ wall: 0, main: [0, 0, 0], workers: [0, 0, 0], other: 0 });
/** Adds to `into` (divided by `steps`) the split of the `wall` ms between schedstat snapshots `a` and `b`. */
function addSplit(
  into: PhaseSplit,
  a: Map<string, [number, number]>,
  b: Map<string, [number, number]>,
  wall: number,
  workerTids: Set<string>,
  steps: number,
): void {
  into.wall += wall / steps;
  for (const [tid, [run, runq]] of b) {
    const [run0, runq0] = a.get(tid) ?? [0, 0];
    const [dr, dq] = [run - run0, runq - runq0];
    const at = tid === String(process.pid) ? into.main : workerTids.has(tid) ? into.workers : null;
    if (at === null) into.other += dr / steps;
    else (at[0] += dr / steps), (at[1] += dq / steps), (at[2] += (wall - dr - dq) / steps);
  }
}
/** Cores this process gets right now: two threads spin for 1 s; their CPU time over the wall time (at most 2). */
async function coresAvailable(): Promise<number> {
  const spin =
    "const t = Date.now(); let x = 0; while (Date.now() - t < 1000) x += Math.sqrt(x + 1); require('node:worker_threads').parentPort.postMessage(x);";
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all([0, 1].map(() => new Promise((resolve) => new Worker(spin, { eval: true }).once('message', resolve))));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (performance.now() - t0);
}
const coresBefore = await coresAvailable();
const loadBefore = os.loadavg();
for (let r = 0; r < opts.rounds; r++) {
  for (const w of opts.workers) {
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    const pool = pools.get(w) ?? null;
    const sample = (seed: number) => (pool === null ? generate(model, prompts, sampling(seed)) : generateAcrossLanes(pool, model, prompts, sampling(seed)));
    for (let s = 0; s < opts.warmup; s++) {
      await sample(-1 - s);
      await trainStep(model, opt, { objective, items, learningRate: 1e-4 }, budget, pool);
    }
    const t: Timing = { generation: 0, update: 0, cpu: 0, busiest: 0, split: { generation: emptySplit(), update: emptySplit() } };
    const workerTids = poolThreads.get(w) as Set<string>;
    const c0 = threadCpu();
    for (let s = 0; s < opts.steps; s++) {
      const s0 = threadSched();
      const t0 = performance.now();
      await sample(s + 1);
      const t1 = performance.now();
      const s1 = threadSched();
      await trainStep(model, opt, { objective, items, learningRate: 1e-4 }, budget, pool);
      const t2 = performance.now();
      const s2 = threadSched();
      t.generation += (t1 - t0) / opts.steps;
      t.update += (t2 - t1) / opts.steps;
      addSplit(t.split.generation, s0, s1, t1 - t0, workerTids, opts.steps);
      addSplit(t.split.update, s1, s2, t2 - t1, workerTids, opts.steps);
    }
    const used = [...threadCpu()].map(([tid, ms]) => ms - (c0.get(tid) ?? 0));
    t.cpu = used.reduce((a, b) => a + b, 0) / opts.steps;
    t.busiest = Math.max(...used) / opts.steps;
    (times.get(w) as Timing[]).push(t);
    opt.dispose();
  }
  process.stdout.write(
    `round ${r + 1}/${opts.rounds}: ${opts.workers
      .map((w) => {
        const t = (times.get(w) as Timing[])[r];
        return `${w}w ${(t.generation + t.update).toFixed(0)} ms`;
      })
      .join(', ')}\n`,
  );
}
const loadAfter = os.loadavg();
const coresAfter = await coresAvailable();
const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' ');
console.log(
  `\n${items.length} rows, ${items.reduce((a, it) => a + it.completionTokenIds.length, 0)} completion tokens; micro-batches: ${opts.workers.map((w) => `${w}w ${planChunks(items, undefined, budget, model, w).length}`).join(', ')}`,
);
console.log(
  `load average (1, 5, 15 min) before ${load(loadBefore)}, after ${load(loadAfter)}; ${os.availableParallelism()} cores in the affinity mask; two spinning threads got ${coresBefore.toFixed(2)} cores before, ${coresAfter.toFixed(2)} after (the ceiling of any 2-thread speed-up)`,
);
const med = (w: number, f: (t: Timing) => number): number => median((times.get(w) as Timing[]).map(f));
const first = opts.workers[0];
for (const w of opts.workers) {
  const [step, gen, upd] = [med(w, (t) => t.generation + t.update), med(w, (t) => t.generation), med(w, (t) => t.update)];
  const vs =
    w === first
      ? ''
      : `; ${(med(first, (t) => t.generation + t.update) / step).toFixed(2)}x vs ${first} (generation ${(med(first, (t) => t.generation) / gen).toFixed(2)}x, update ${(med(first, (t) => t.update) / upd).toFixed(2)}x)`;
  const bound = w === first ? '' : `; busiest thread 1 worker / this ${(med(first, (t) => t.busiest) / med(w, (t) => t.busiest)).toFixed(2)}x`;
  console.log(
    `workers ${w}: ${step.toFixed(0)} ms per step = generation ${gen.toFixed(0)} + update ${upd.toFixed(0)} (medians of ${opts.rounds} rounds)${vs}; CPU ${med(w, (t) => t.cpu).toFixed(0)} ms, busiest thread ${med(w, (t) => t.busiest).toFixed(0)} ms${bound}`,
  );
}
const cores = os.availableParallelism();
const f0 = (x: number): string => x.toFixed(0);
const cpu = (p: PhaseSplit): number => p.main[0] + p.workers[0] + p.other;
/**
 * No schedule on `cores` cores beats the phase's busiest compute thread or its CPU spread over the cores. The
 * workers' run time is summed over the workers, so their mean (the busiest one's lower bound) stands for them.
 */
const floor = (w: number, p: PhaseSplit): number => Math.max(p.main[0], w > 1 ? p.workers[0] / (w - 1) : 0, cpu(p) / cores);
const stepFloor = (w: number): number => med(w, (t) => floor(w, t.split.generation) + floor(w, t.split.update));
const params = [...model.variables.values()].reduce((a, v) => a + v.size, 0);
console.log(`thread split per step (${params.toLocaleString('en')} parameters; ms; a thread's wall = run + runq + idle):`);
for (const w of opts.workers) {
  for (const phase of ['generation', 'update'] as const) {
    const m = (f: (p: PhaseSplit) => number): number => med(w, (t) => f(t.split[phase]));
    const part = (name: string, k: 'main' | 'workers'): string =>
      `${name} run ${f0(m((p) => p[k][0]))} runq ${f0(m((p) => p[k][1]))} idle ${f0(m((p) => p[k][2]))}`;
    console.log(
      `  ${w}w ${phase}: wall ${f0(m((p) => p.wall))} ms; ${part('main', 'main')}${w > 1 ? `; workers ${part('', 'workers').trim()}` : ''}; other threads run ${f0(m((p) => p.other))}; CPU ${f0(m(cpu))}, floor on ${cores} cores ${f0(m((p) => floor(w, p)))}`,
    );
  }
  if (w !== first)
    console.log(
      `  ${w}w step floor ${f0(stepFloor(w))} ms vs ${f0(stepFloor(first))} on ${first}: ${(stepFloor(first) / stepFloor(w)).toFixed(2)}x, the speed-up ${cores} free cores allow with this CPU`,
    );
}
for (const p of pools.values()) await p?.dispose();
model.dispose();
