import { createRequire } from 'node:module';
import { TfjsTransformerPolicy } from '../packages/policies/src/tfjs-transformer-policy.ts';
const backend = process.argv[2] as 'tensorflow' | 'wasm';
const budget = Number(process.argv[3] ?? 256);
const req = createRequire(new URL('../packages/policies/package.json', import.meta.url));
const tf = req('@tensorflow/tfjs-core');
const t0 = performance.now();
const policy = await TfjsTransformerPolicy.create({ preset: 'llama-tiny', config: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 }, tokenizer: 'byte', backend, memoryBudgetMb: budget, generationBackend: (process.argv[4] ?? 'auto') as never });
console.log(policy.name);
console.log('create', (performance.now() - t0).toFixed(0), 'ms');
let s = 1;
const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return 3 + (s % 250); };
const items = Array.from({ length: 8 }, () => ({ promptTokenIds: Array.from({ length: 600 }, rnd), completionTokenIds: Array.from({ length: 100 }, rnd) }));
for (let i = 0; i < 4; i++) {
  const a = performance.now();
  await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 });
  console.log('sft step', (performance.now() - a).toFixed(0), 'ms');
}
const prompts = Array.from({ length: 4 }, () => ({ text: '', tokenIds: Array.from({ length: 500 }, rnd) }));
for (let i = 0; i < 3; i++) {
  const a = performance.now();
  await policy.generate(prompts as never, { n: 8, maxTokens: 40, temperature: 1 });
  console.log('generate', (performance.now() - a).toFixed(0), 'ms', 'handover', (policy as any).generationCopy?.lastHandoverMs?.toFixed(2));
  await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 });
}
const prof = await tf.profile(async () => { await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 }); });
const by = new Map<string, [number, number]>();
for (const k of prof.kernels) { const e = by.get(k.name) ?? [0, 0]; e[0]++; e[1] += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0; by.set(k.name, e); }
console.log('kernels', prof.kernels.length, [...by].sort((a, b) => b[1][1] - a[1][1]).slice(0, 12).map(([n, [c, t]]) => `${n} x${c} ${t.toFixed(0)}ms`).join(', '));
console.log('rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0), 'MB');
