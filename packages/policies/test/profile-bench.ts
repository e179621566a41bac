// Scratch profiler (not a test): train-step and generation timings for the gpt2-bench preset on the chosen backend.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select-backend';
import { generate } from '../src/generation/generate';
import { Rng } from '../src/generation/rng';
import { transformerPreset } from '../src/model/presets';
import { Transformer } from '../src/model/transformer';
import { AdamW } from '../src/training/adamw';
import { trainStep } from '../src/training/train-step';

const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu';
const profile = process.argv.includes('--profile');
await selectBackend({ backend, log: console.log });
const model = Transformer.random(transformerPreset('gpt2-bench'), 0);
console.log('params', model.parameterCount());
const opt = new AdamW(model.variables);
const rng = new Rng(1);
const items = Array.from({ length: 16 }, () => {
  const ids = Array.from({ length: 64 }, () => rng.nextUint32() % 256);
  return { promptTokenIds: ids.slice(0, 1), completionTokenIds: ids.slice(1) };
});
const step = (): void => void trainStep(model, opt, { objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 });
for (let i = 0; i < 3; i++) step();
const times: number[] = [];
for (let i = 0; i < 12; i++) {
  const t = performance.now();
  step();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`train step: min ${times[0].toFixed(1)} ms, median ${times[6].toFixed(1)} ms`);
let t0 = 0;
if (profile) {
  const info = await tf.profile(() => step());
  const byKernel = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += k.kernelTimeMs as number;
    e.n++;
    byKernel.set(k.name, e);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`kernels total ${total.toFixed(1)} ms over ${info.kernels.length} kernel calls`);
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${name.padEnd(22)} ${e.ms.toFixed(2).padStart(8)} ms  ${String(e.n).padStart(5)} calls`);
}
const prompt = Array.from({ length: 16 }, (_, i) => (i * 7) % 256);
const gen = () => generate(model, [prompt], { n: 16, temperature: 1, topP: 1, topK: 0, maxTokens: 48, eosTokenIds: [], rng });
await gen();
const gtimes: number[] = [];
for (let i = 0; i < 5; i++) {
  t0 = performance.now();
  await gen();
  gtimes.push(performance.now() - t0);
}
const ms = Math.min(...gtimes);
console.log(`generation (best of 5): 16 x 48 tokens in ${ms.toFixed(1)} ms = ${((16 * 48) / (ms / 1000)).toFixed(0)} tokens/s`);
if (profile) {
  const info = await tf.profile(async () => void (await gen()));
  const byKernel = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += k.kernelTimeMs as number;
    e.n++;
    byKernel.set(k.name, e);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`generation kernels total ${total.toFixed(1)} ms over ${info.kernels.length} kernel calls`);
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`  ${name.padEnd(22)} ${e.ms.toFixed(2).padStart(8)} ms  ${String(e.n).padStart(5)} calls`);
}
