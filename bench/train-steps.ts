// Benchmark: quickstart-shaped train steps of the tfjs policy on one backend, with a kernel profile.
// Run: pnpm bench train-steps [--backend tensorflow|wasm|cpu] [--iters 6] [--warmup 2] [--budget-mb 256] [--vary] [--profile]
// Two batches shaped like the quickstart's (examples/quickstart: llama, hidden 64, 2 layers, 4 heads, 2 KV heads,
// byte tokens): (a) SFT, 8 step instances of 150-680 prompt tokens and 40-86 completion tokens, cross-entropy;
// (b) SRL, 4 prompts of 300-570 tokens x 8 completions of 10-40 tokens, clipped policy gradient. Each is one
// trainStep() (micro-batches from the memory budget, clipping at 1, AdamW), median ms of the timed runs and CPU ms
// (user + sys of this process) per step. --profile adds kernel self times by kernel and by kernel + input shapes.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Tf from '@tensorflow/tfjs-core';
import type { TrainingItem, TrainStepInput } from '@srl/core';
import { selectBackend, type BackendName } from '../packages/policies/src/backend/select-backend.ts';
import { selectKernels } from '../packages/policies/src/kernels/select-kernels.ts';
import { Transformer } from '../packages/policies/src/model/transformer.ts';
import { AdamW } from '../packages/policies/src/training/adamw.ts';
import { trainStep } from '../packages/policies/src/training/train-step.ts';
import { SeededRng } from '../packages/core/src/training/seeded-rng.ts';
import { quickstartModelConfig } from './quickstart-model.ts';
import { emptyKernelStats, profileKernels } from './kernel-profile.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const tf = createRequire(path.join(repoRoot, 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const backend = opt('backend', 'tensorflow') as BackendName;
const iters = Number(opt('iters', '6'));
const warmup = Number(opt('warmup', '2'));
const budget = Number(opt('budget-mb', '256')) * 2 ** 20;
const profileOn = argv.includes('--profile');

await selectBackend({ backend });
const config = quickstartModelConfig();
const model = Transformer.random(config, 1, selectKernels());
const optimizer = new AdamW(model.variables, { weightDecay: 0.1, kernels: model.kernels });
const rng = new SeededRng(7);
const tokens = (n: number): number[] => Array.from({ length: n }, () => Math.floor(rng.uniform53() * 256));

const sftPrompts = [150, 250, 330, 400, 460, 520, 580, 680];
const sftCompletions = [40, 50, 60, 66, 70, 75, 80, 86];
const sft: TrainingItem[] = sftPrompts.map((p, i) => ({ promptTokenIds: tokens(p), completionTokenIds: tokens(sftCompletions[i]) }));
const srl: TrainingItem[] = [];
for (const p of [300, 420, 500, 570]) {
  const prompt = tokens(p);
  for (let g = 0; g < 8; g++) {
    const n = 10 + Math.floor(rng.uniform53() * 31);
    srl.push({
      promptTokenIds: prompt,
      completionTokenIds: tokens(n),
      oldLogprobs: Array.from({ length: n }, () => -3 - rng.uniform53()),
      advantage: rng.uniform53() - 0.5,
    });
  }
}
const inputs: Record<string, TrainStepInput> = {
  sft: { objective: { kind: 'cross-entropy' }, items: sft, learningRate: 1e-3, maxGradNorm: 1 },
  srl: {
    objective: { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' },
    items: srl,
    learningRate: 1e-4,
    maxGradNorm: 1,
  },
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const before = tf.memory().numTensors;
console.log(`backend ${tf.getBackend()}, kernels ${model.kernels.name}, ${model.parameterCount()} parameters, budget ${budget / 2 ** 20} MB`);
for (const [name, input] of Object.entries(inputs)) {
  for (let i = 0; i < warmup; i++) await trainStep(model, optimizer, input, budget);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < iters; i++) {
    // --vary: every step's sequences one token longer than the last's (new shapes each step, as in a real run).
    const longer = new Map<readonly number[], number[]>(); // one longer prompt per distinct prompt (groups stay groups)
    const step = argv.includes('--vary')
      ? {
          ...input,
          items: input.items.map((it) => {
            if (!longer.has(it.promptTokenIds)) longer.set(it.promptTokenIds, [...it.promptTokenIds, ...tokens(i + 1)].slice(0, 680));
            return { ...it, promptTokenIds: longer.get(it.promptTokenIds) as number[] };
          }),
        }
      : input;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await trainStep(model, optimizer, step, budget);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`${name}: ${median(wall).toFixed(1)} ms/step (wall, median of ${iters}), ${median(cpu).toFixed(1)} CPU ms/step`);
}
if (tf.memory().numTensors !== before) console.log(`LEAK: ${tf.memory().numTensors - before} tensors`);

if (profileOn) {
  for (const [name, input] of Object.entries(inputs)) {
    const { phases, wall } = await profileKernels(tf, () => trainStep(model, optimizer, input, budget));
    const p = phases.get('all') ?? emptyKernelStats();
    const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((x, y) => y[1] - x[1]);
    console.log(`\n${name} profiled: ${wall.toFixed(1)} ms wall, ${p.total.toFixed(1)} ms in ${p.count} kernel calls`);
    for (const [k, ms] of sorted(p.byKernel).slice(0, 14))
      console.log(`  ${k.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms ${String(p.calls.get(k)).padStart(6)} calls`);
    if (process.env.PROFILE_DUMP)
      (await import('node:fs')).writeFileSync(
        `${process.env.PROFILE_DUMP}.${name}.json`,
        JSON.stringify([...p.byShape].map(([k, ms]) => [k, [ms, p.shapeCalls.get(k)]])),
      );
    console.log('  by shape:');
    for (const [k, ms] of sorted(p.byShape).slice(0, 24)) console.log(`  ${ms.toFixed(1).padStart(8)} ms ${String(p.shapeCalls.get(k)).padStart(5)}x ${k}`);
  }
}
model.dispose();
optimizer.dispose();
