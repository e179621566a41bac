// Benchmark: data-parallel train steps (the policy's `workers` option) on the quickstart's SRL update shape.
// Run: pnpm bench workers [--workers 1,2] [--rounds 6] [--steps 3] [--budget-mb 256]
// One trainStep is the clipped policy gradient (token-mean, clip 0.2) on 4 prompts x 8 completions: byte prompts
// of 300-610 tokens (the quickstart's GSM8K SRL prompts are up to 640), 24-40 completion tokens, the quickstart's
// model (llama-tiny 64 x 2 layers). Micro-batches come from the memory budget as in the policy (default 256 MB).
// Rounds alternate the worker counts (1, 2, 1, 2, ...) so the machine's other load hits each; each round times
// `steps` steps after one untimed step; figures are medians over rounds. The load average is printed before and
// after: on a shared machine the speed-up reads low (a second thread only helps when a second core is free).
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrainingItem, TrainStepInput } from '@srl/core';
import { selectBackend } from '../packages/policies/src/backend/select-backend.ts';
import { transformerPreset } from '../packages/policies/src/model/presets.ts';
import { Transformer } from '../packages/policies/src/model/transformer.ts';
import { GradientPool } from '../packages/policies/src/parallel/gradient-pool.ts';
import { planChunks } from '../packages/policies/src/parallel/start-workers.ts';
import { AdamW } from '../packages/policies/src/training/adamw.ts';
import { trainStep } from '../packages/policies/src/training/train-step.ts';

const opts = { workers: [1, 2], rounds: 6, steps: 3, budgetMb: 256 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [k, v] = [argv[i], argv[i + 1] ?? ''];
  if (k === '--workers') opts.workers = v.split(',').map(Number);
  else if (k === '--rounds') opts.rounds = Number(v);
  else if (k === '--steps') opts.steps = Number(v);
  else if (k === '--budget-mb') opts.budgetMb = Number(v);
  else throw new Error(`unknown argument ${k}; options: --workers --rounds --steps --budget-mb`);
}

await selectBackend({ backend: 'wasm' });
const config = { ...transformerPreset('llama-tiny'), hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 };
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
for (const w of opts.workers) pools.set(w, w > 1 ? await GradientPool.start({ lanes: w, config, backend: 'wasm' }) : null);
const times = new Map<number, number[]>(opts.workers.map((w) => [w, []]));
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
    const opt = new AdamW(model.variables);
    const pool = pools.get(w) ?? null;
    await trainStep(model, opt, { objective, items, learningRate: 1e-4 }, budget, pool);
    const t0 = performance.now();
    for (let s = 0; s < opts.steps; s++) await trainStep(model, opt, { objective, items, learningRate: 1e-4 }, budget, pool);
    (times.get(w) as number[]).push((performance.now() - t0) / opts.steps);
    opt.dispose();
  }
  process.stdout.write(`round ${r + 1}/${opts.rounds}: ${opts.workers.map((w) => `${w}w ${(times.get(w) as number[])[r].toFixed(0)} ms`).join(', ')}\n`);
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
const base = median(times.get(opts.workers[0]) as number[]);
for (const w of opts.workers) {
  const m = median(times.get(w) as number[]);
  console.log(
    `workers ${w}: ${m.toFixed(0)} ms per train step (median of ${opts.rounds} rounds)${w !== opts.workers[0] ? `, ${(base / m).toFixed(2)}x vs ${opts.workers[0]}` : ''}`,
  );
}
for (const p of pools.values()) await p?.dispose();
model.dispose();
