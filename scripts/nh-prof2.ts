import { createRequire } from 'node:module';
import { TfjsTransformerPolicy } from '../packages/policies/src/tfjs-transformer-policy.ts';
const backend = process.argv[2] as 'tensorflow' | 'wasm';
const req = createRequire(new URL('../packages/policies/package.json', import.meta.url));
const tf = req('@tensorflow/tfjs-core');
const policy = await TfjsTransformerPolicy.create({ preset: 'llama-tiny', config: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 }, tokenizer: 'byte', backend, generationBackend: (process.argv[3] ?? 'auto') as never });
let s = 1;
const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return 3 + (s % 250); };
const items: any[] = [];
for (let p = 0; p < 4; p++) { const prompt = Array.from({ length: 550 }, rnd); for (let g = 0; g < 8; g++) items.push({ promptTokenIds: prompt, completionTokenIds: Array.from({ length: 40 }, rnd), advantage: g % 2 ? 1 : -1, oldLogprobs: Array(40).fill(-5.5) }); }
const objective = { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' };
const step = () => policy.trainStep({ objective: objective as never, items, learningRate: 1e-3, maxGradNorm: 1 });
const prompts = [0, 8, 16, 24].map((i) => ({ text: '', tokenIds: items[i].promptTokenIds }));
const gs: number[] = [], us: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < 6; i++) { let a = performance.now(); const c0 = process.cpuUsage(); await policy.generate(prompts as never, { n: 8, maxTokens: 40, temperature: 1 }); const c1 = process.cpuUsage(c0); gs.push(performance.now() - a); cpu.push((c1.user + c1.system) / 1000 / gs.at(-1)!); a = performance.now(); await step(); us.push(performance.now() - a); }
console.log('gen cpu/wall', cpu.map((x) => x.toFixed(2)).join(' '));
console.log('gen', gs.map((x) => x.toFixed(0)).join(' '), '| update', us.map((x) => x.toFixed(0)).join(' '));
const prof = await tf.profile(async () => { await step(); });
const by = new Map<string, [number, number]>();
for (const k of prof.kernels) { const e = by.get(k.name) ?? [0, 0]; e[0]++; e[1] += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0; by.set(k.name, e); }
console.log('kernels', prof.kernels.length, 'sum', [...by.values()].reduce((a, b) => a + b[1], 0).toFixed(0), [...by].sort((a, b) => b[1][1] - a[1][1]).slice(0, 14).map(([n, [c, t]]) => `${n} x${c} ${t.toFixed(0)}ms`).join(', '));
