// Benchmark: the tfjs transformer policy against PyTorch on the CPU, same model, batch and thread count, one run.
// Run: pnpm bench policy [--batch 16] [--seq 64] [--iters 10] [--warmup 3] [--new-tokens 48] [--prompt-len 16]
//      [--samples 4] [--gen-iters 5] [--threads 1] [--preset gpt2-bench] [--backend auto|wasm|cpu|tensorflow]
//      [--no-profile]            (PYTHON=/path/to/python3 picks the interpreter; default /usr/bin/python3)
// (a) train step: trainStep() on `batch` sequences of `seq` tokens (1 prompt token + seq-1 completion tokens,
//     SFT cross-entropy, global-norm clipping at 1, AdamW with decay 0.1 on matrices, lr 1e-3): forward,
//     backward, optimizer; (b) generation: generate() with `batch / samples` prompts of `prompt-len` tokens,
//     `samples` completions each (one shared prefill), `new-tokens` KV-cached tokens each, temperature 1.
// bench/policy.py does the same in PyTorch from the same initial weights and data (the first step's loss and
// gradient norm are compared, so both sides provably run the same model). Each figure is the median of the timed
// runs after untimed warm-up runs. The tfjs wasm backend runs one thread in Node (tfjs disables wasm threads
// there), so PyTorch gets `--threads 1` by default. After the table come a kernel profile of the tfjs side and,
// last, the two ratios.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Tf from '@tensorflow/tfjs-core';
import type { TrainingItem } from '@srl/core';
import { selectBackend, type BackendName } from '../packages/policies/src/backend/select-backend.ts';
import { generate } from '../packages/policies/src/generation/generate.ts';
import { Rng } from '../packages/policies/src/generation/rng.ts';
import { sampleToken } from '../packages/policies/src/generation/sampler.ts';
import { KvCache } from '../packages/policies/src/model/kv-cache.ts';
import { tokenLogProbs } from '../packages/policies/src/model/ops/token-log-probs.ts';
import { transformerPreset } from '../packages/policies/src/model/presets.ts';
import { Transformer, type ResolvedWeights } from '../packages/policies/src/model/transformer.ts';
import { AdamW } from '../packages/policies/src/training/adamw.ts';
import { clipByGlobalNorm } from '../packages/policies/src/training/clip-by-global-norm.ts';
import { objectiveLoss, planTokens } from '../packages/policies/src/training/objective.ts';
import { packSequences } from '../packages/policies/src/training/sequence-batch.ts';
import { trainStep } from '../packages/policies/src/training/train-step.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
// The copy of tfjs-core the policies package imports (bench/ has no node_modules of its own).
const tf = createRequire(path.join(repoRoot, 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;

const args = parseArgs(process.argv.slice(2));
const LR = 1e-3;
const WEIGHT_DECAY = 0.1;
const MAX_GRAD_NORM = 1;
const CE = { kind: 'cross-entropy' } as const;

function parseArgs(argv: string[]): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = { batch: 16, seq: 64, iters: 10, warmup: 3, 'new-tokens': 48, 'prompt-len': 16, samples: 4, 'gen-iters': 5, 'profile-rows': 16, threads: 1, preset: 'gpt2-bench', backend: 'auto', profile: true };
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
    } else throw new Error(`unknown argument ${a}; options: ${Object.keys(out).map((k) => `--${k}`).join(' ')} --no-profile`);
  }
  return out;
}
const num = (k: string): number => args[k] as number;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
/** Median ms of `iters` runs after `warmup` runs. */
function bench(fn: () => void, warmup: number, iters: number): number {
  for (let i = 0; i < warmup; i++) fn();
  return median(Array.from({ length: iters }, () => timeIt(fn)));
}
/** Every tensor reachable from `value` (objects and arrays walked), once each. */
function tensorsIn(value: unknown, found = new Set<Tf.Tensor>()): Tf.Tensor[] {
  if (value instanceof tf.Tensor) found.add(value);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) tensorsIn(v, found);
  return [...found];
}
const fmt = (x: number, digits = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (slow: number, fast: number): string => (slow >= fast ? `${fmt(slow / fast, 2)}x slower` : `${fmt(fast / slow, 2)}x faster`);

/**
 * Self time of each kernel (ms, excluding kernels it runs inside it: custom-gradient ops and some wasm kernels
 * call other kernels) per call of `fn` (averaged over `reps` calls), by kernel name and by name + input shapes.
 * Works by wrapping the engine's profiler while tf.profile switches profiling on; `total` is the kernels' time,
 * `wall` the call's, `count` the kernel calls.
 */
async function profile(fn: () => void, reps: number): Promise<{ byKernel: Map<string, number>; byShape: Map<string, number>; total: number; wall: number; count: number }> {
  type Profiler = { profileKernel(name: string, inputs: Record<string, Tf.Tensor | null>, f: () => Tf.Tensor[]): unknown };
  const profiler = (tf.engine() as unknown as { profiler: Profiler }).profiler;
  const original = profiler.profileKernel;
  const byKernel = new Map<string, number>();
  const byShape = new Map<string, number>();
  const stack: number[] = [];
  let total = 0;
  let count = 0;
  profiler.profileKernel = (name, inputs, f) => {
    stack.push(0);
    const t0 = performance.now();
    let outputs: Tf.Tensor[];
    try {
      outputs = f();
    } finally {
      const elapsed = performance.now() - t0;
      const self = elapsed - (stack.pop() as number);
      if (stack.length > 0) stack[stack.length - 1] += elapsed;
      const label = name || '(custom op, own JS)';
      const shapes = Object.values(inputs).map((t) => `[${t?.shape.join(',') ?? ''}]`).join(' ');
      byKernel.set(label, (byKernel.get(label) ?? 0) + self);
      byShape.set(`${label} ${shapes}`, (byShape.get(`${label} ${shapes}`) ?? 0) + self);
      total += self;
      count++;
    }
    return { kernelName: name, outputs, inputs, timeMs: Promise.resolve(0), extraInfo: Promise.resolve('') };
  };
  const t0 = performance.now();
  try {
    await tf.profile(() => {
      for (let i = 0; i < reps; i++) fn();
      return [];
    });
  } finally {
    profiler.profileKernel = original;
  }
  const per = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k, v / reps]));
  return { byKernel: per(byKernel), byShape: per(byShape), total: total / reps, wall: (performance.now() - t0) / reps, count: count / reps };
}
function top(map: Map<string, number>, n: number, total: number, minus?: Map<string, number>): string[] {
  const rows = [...map].map(([k, v]) => [k, v - (minus?.get(k) ?? 0)] as const).filter(([, v]) => v > 0.005);
  return rows.sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `    ${fmt(v, 2).padStart(8)} ms ${fmt((100 * v) / total, 0).padStart(3)}%  ${k}`);
}

// ---- setup -------------------------------------------------------------------------------------------------
const backend = await selectBackend({ backend: args.backend as BackendName | 'auto', log: (m) => console.log(m) });
const B = num('batch');
const T = num('seq');
const S = num('samples');
const newTokens = num('new-tokens');
const promptLen = num('prompt-len');
if (B % S !== 0) throw new Error(`--batch ${B} must be a multiple of --samples ${S} (generation rows = prompts x samples)`);
const config = transformerPreset(args.preset as string);
config.maxPositions = Math.max(config.maxPositions, T, promptLen + newTokens);
const model = Transformer.random(config, 0);
const params = model.parameterCount();
const dataRng = new Rng(1);
const randomIds = (n: number): number[] => Array.from({ length: n }, () => dataRng.nextUint32() % config.vocabSize);
const rows = Array.from({ length: B }, () => randomIds(T));
const items: TrainingItem[] = rows.map((r) => ({ promptTokenIds: r.slice(0, 1), completionTokenIds: r.slice(1) }));
const prompts = Array.from({ length: B / S }, () => randomIds(promptLen));

// The initial weights and the data, for the PyTorch side (written before any step changes them).
const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-bench-policy-'));
const tensors: { name: string; shape: number[]; offset: number }[] = [];
const chunks: Buffer[] = [];
let offset = 0;
for (const [name, t] of model.toHuggingFace()) {
  tensors.push({ name, shape: [...t.shape], offset });
  chunks.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  offset += t.data.byteLength;
}
writeFileSync(path.join(dir, 'weights.f32'), Buffer.concat(chunks));
const spec = {
  config,
  threads: num('threads'),
  seed: 0,
  weights: { file: path.join(dir, 'weights.f32'), tensors },
  train: { batch: B, seq: T, warmup: num('warmup'), iters: num('iters'), lr: LR, weightDecay: WEIGHT_DECAY, maxGradNorm: MAX_GRAD_NORM, ids: rows.flat() },
  generation: { prompts, samples: S, newTokens, temperature: 1, warmup: 1, iters: num('gen-iters') },
};
writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));

// ---- (a) train step --------------------------------------------------------------------------------------
console.log(`model ${args.preset}: ${params.toLocaleString('en-US')} parameters (${(params - config.maxPositions * config.hiddenSize).toLocaleString('en-US')} without position embeddings); train batch ${B} x ${T} tokens`);
const opt = new AdamW(model.variables, { weightDecay: WEIGHT_DECAY });
const step = (): ReturnType<typeof trainStep> => trainStep(model, opt, { objective: CE, items, learningRate: LR, maxGradNorm: MAX_GRAD_NORM });
const tensorsBefore = tf.memory().numTensors;
const first = step();
for (let i = 1; i < num('warmup'); i++) step();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const trainTimes = Array.from({ length: num('iters') }, () => timeIt(step));
const cpu1 = process.cpuUsage(cpu0);
const trainCpu = (cpu1.user + cpu1.system) / 1000 / (performance.now() - wall0);
const trainMs = median(trainTimes);
const leaked = tf.memory().numTensors - tensorsBefore;

// The parts of trainStep, timed apart (same code path: pack, forward + log-probs + loss, gradients, clip + AdamW).
const names = [...model.variables.keys()];
const varList = names.map((n) => model.variables.get(n) as Tf.Variable);
const packed = packSequences(items, config);
const plan = planTokens(CE, items);
const lossFn = (): Tf.Scalar => {
  const { logits } = model.forward(packed.tokens, { outputRows: packed.outputRows });
  const r = tokenLogProbs(logits, packed.targets);
  r.logprobs.dataSync();
  r.entropies.dataSync();
  return objectiveLoss(CE, plan, 0, plan.coef.length, r.logprobs);
};
const forwardMs = bench(() => tf.tidy(() => void lossFn().dataSync()), 1, num('iters'));
const gradsOnce = (): { value: Tf.Scalar; grads: Record<string, Tf.Tensor> } => tf.variableGrads(lossFn, varList);
const fwdBwdMs = bench(() => {
  const g = gradsOnce();
  g.value.dataSync();
  tf.dispose([g.value, ...Object.values(g.grads)]);
}, 1, num('iters'));
const held = gradsOnce();
const gradList = names.map((n) => held.grads[(model.variables.get(n) as Tf.Variable).name]);
const optMs = bench(() => {
  const { clipped } = clipByGlobalNorm(gradList, MAX_GRAD_NORM);
  opt.step(new Map(names.map((n, i) => [n, clipped[i]])), LR);
  if (clipped !== gradList) tf.dispose(clipped);
}, 1, num('iters'));

// ---- (b) generation ----------------------------------------------------------------------------------------
const genOptions = { n: S, maxTokens: newTokens, eosTokenIds: [], temperature: 1, topP: 1, topK: 0 };
const genRng = new Rng(2);
const warm = await generate(model, prompts, { ...genOptions, rng: genRng });
const produced = warm.flat().map((s) => s.tokenIds.length);
if (produced.length !== B || produced.some((n) => n !== newTokens)) throw new Error(`generate produced ${produced.join(',')} tokens per row, expected ${B} rows of ${newTokens}`);
const genTimes: number[] = [];
for (let i = 0; i < num('gen-iters'); i++) genTimes.push(await timeAsync(() => generate(model, prompts, { ...genOptions, rng: genRng })));
const genMs = median(genTimes);
const genTps = (B * newTokens) / (genMs / 1000);

// Generation parts: prefill, one decode step of all rows, sampling of all rows (on the CPU).
const weights = tf.tidy(() => model.resolveWeights() as unknown as Tf.TensorContainer) as unknown as ResolvedWeights;
const own = new Set<Tf.Tensor>(model.variables.values());
const promptIds = Int32Array.from(prompts.flat());
const lastRows = Int32Array.from(prompts, (_, i) => i * promptLen + promptLen - 1);
const prefill = (): { logits: Tf.Tensor2D; kv: { keys: Tf.Tensor4D; values: Tf.Tensor4D }[] } =>
  tf.tidy(() => model.forward({ ids: promptIds, batch: prompts.length, length: promptLen }, { outputRows: lastRows, collectKv: true, weights }));
const prefillMs = bench(() => {
  const p = prefill();
  p.logits.dataSync();
  tf.dispose(p);
}, 1, num('gen-iters'));
const pre = prefill();
const cache = KvCache.fromPrefill(pre.kv, Int32Array.from({ length: B }, (_, r) => Math.floor(r / S)), promptLen + newTokens);
tf.dispose(pre);
const decodeIds = Int32Array.from({ length: B }, (_, r) => r % config.vocabSize);
let pos = promptLen;
const decodeOnce = (): Float32Array => {
  const positions = new Int32Array(B).fill(pos);
  pos = pos + 1 < promptLen + newTokens ? pos + 1 : promptLen;
  return tf.tidy(() => model.decode(cache, decodeIds, positions, weights).dataSync() as Float32Array);
};
const decodeMs = bench(decodeOnce, 3, 3 * newTokens);
const logitsRows = decodeOnce();
const sampleRng = new Rng(3);
const sampleMs = bench(() => {
  for (let r = 0; r < B; r++) sampleToken(logitsRows, r * config.vocabSize, config.vocabSize, { temperature: 1, topP: 1, topK: 0 }, sampleRng);
}, 3, 50);

// ---- PyTorch ---------------------------------------------------------------------------------------------
const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
console.log(`running the PyTorch reference: ${python} bench/policy.py (${num('threads')} thread(s)) ...`);
const py = spawnSync(python, [path.join(repoRoot, 'bench/policy.py'), path.join(dir, 'spec.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
rmSync(dir, { recursive: true, force: true });
interface PyResult {
  torch: string;
  threads: number;
  cpu_per_wall: { train: number; generation: number };
  parameters: number;
  train: { median_ms: number; forward_ms: number; backward_ms: number; optimizer_ms: number; first_loss: number; first_grad_norm: number };
  generation: { median_ms: number; tokens_per_s: number; prefill_ms: number };
}
let ref: PyResult | null = null;
if (py.status === 0) ref = JSON.parse(py.stdout) as PyResult;
else process.stderr.write(py.stderr || `${python} failed to start: ${py.error?.message}\n`);

// ---- report ----------------------------------------------------------------------------------------------
const side = `tfjs-${backend}`;
const wasmNote = backend === 'wasm' ? `SIMD ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'on' : 'off'}, ${(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'threads' : '1 thread'}` : '';
console.log(`\n${side}${wasmNote ? ` (${wasmNote})` : ''} vs ${ref ? `PyTorch ${ref.torch} (${ref.threads} thread${ref.threads === 1 ? '' : 's'})` : 'PyTorch (unavailable)'}`);
if (ref) {
  const dl = Math.abs(first.loss - ref.train.first_loss);
  const dn = Math.abs(first.gradNorm - ref.train.first_grad_norm);
  const same = dl < 1e-4 * Math.max(1, ref.train.first_loss) && dn < 1e-3 * Math.max(1, ref.train.first_grad_norm) && ref.parameters === params;
  console.log(`same model check: parameters ${params} vs ${ref.parameters}; first-step loss ${first.loss.toFixed(6)} vs ${ref.train.first_loss.toFixed(6)}, grad norm ${first.gradNorm.toFixed(6)} vs ${ref.train.first_grad_norm.toFixed(6)} -> ${same ? 'match' : 'MISMATCH'}`);
}
const row = (label: string, a: number, b: number | undefined, unit: string, lowerIsBetter = true): string => {
  const r = b === undefined ? '' : lowerIsBetter ? `${fmt(a / b, 2)}x` : `${fmt(b / a, 2)}x`;
  return `${label.padEnd(34)} ${`${fmt(a, unit === 'tok/s' ? 0 : 2)} ${unit}`.padStart(14)} ${b === undefined ? '-'.padStart(14) : `${fmt(b, unit === 'tok/s' ? 0 : 2)} ${unit}`.padStart(14)} ${r.padStart(8)}`;
};
console.log(`${''.padEnd(34)} ${side.padStart(14)} ${'PyTorch'.padStart(14)} ${'tfjs/pt'.padStart(8)}`);
console.log(row('train step (median, trainStep)', trainMs, ref?.train.median_ms, 'ms'));
console.log(row('  forward + log-probs + loss', forwardMs, ref?.train.forward_ms, 'ms'));
console.log(row('  backward (fwd+bwd - fwd)', fwdBwdMs - forwardMs, ref?.train.backward_ms, 'ms'));
console.log(row('  clip + AdamW', optMs, ref?.train.optimizer_ms, 'ms'));
console.log(row(`generation (${B / S}x${S} rows, ${newTokens} tok)`, genTps, ref?.generation.tokens_per_s, 'tok/s', false));
console.log(row('  whole generate() call', genMs, ref?.generation.median_ms, 'ms'));
console.log(row(`  prefill (${B / S} x ${promptLen})`, prefillMs, ref?.generation.prefill_ms, 'ms'));
console.log(row(`  one decode step (${B} rows)`, decodeMs, undefined, 'ms'));
console.log(row(`  sampling ${B} rows on the CPU`, sampleMs, undefined, 'ms'));
console.log(`train step times (ms): ${trainTimes.map((t) => fmt(t, 0)).join(' ')}; tensors left after ${num('warmup') + num('iters')} steps: ${leaked}`);
console.log(`CPU seconds per wall second while timing train steps (1.0 = one busy thread): tfjs ${fmt(trainCpu, 2)}${ref ? `, PyTorch ${fmt(ref.cpu_per_wall.train, 2)} (generation ${fmt(ref.cpu_per_wall.generation, 2)})` : ''}`);

if (args.profile) {
  const reps = 3;
  const fwd = await profile(() => tf.tidy(() => void lossFn().dataSync()), reps);
  const fb = await profile(() => {
    const g = gradsOnce();
    tf.dispose([g.value, ...Object.values(g.grads)]);
  }, reps);
  const op = await profile(() => opt.step(new Map(names.map((n, i) => [n, gradList[i]])), LR), reps);
  const dec = await profile(() => void decodeOnce(), 10);
  const bwdTotal = fb.total - fwd.total;
  const line = (name: string, kernels: number, count: number, unprofiled: number, profiled: number): string =>
    `  ${name}: ${fmt(kernels, 2)} ms in ${Math.round(count)} kernel calls (self time; custom ops' own JS counts as a kernel), ${fmt(unprofiled, 2)} ms unprofiled, ${fmt(profiled, 2)} ms profiled`;
  console.log('\ntfjs kernel profile (mean per call over 3 calls, decode over 10; the engine profiler wrapped to give self times)');
  console.log(line('forward + log-probs + loss', fwd.total, fwd.count, forwardMs, fwd.wall));
  console.log(top(fwd.byKernel, 8, fwd.total).join('\n'));
  console.log(line('backward (fwd+bwd minus fwd)', bwdTotal, fb.count - fwd.count, fwdBwdMs - forwardMs, fb.wall - fwd.wall));
  console.log(top(fb.byKernel, 10, bwdTotal, fwd.byKernel).join('\n'));
  console.log(`  forward + backward by kernel and input shapes (top ${num('profile-rows')}; % of ${fmt(fb.total, 2)} ms):`);
  console.log(top(fb.byShape, num('profile-rows'), fb.total).join('\n'));
  console.log(line('AdamW step (no clipping)', op.total, op.count, optMs, op.wall));
  console.log(top(op.byKernel, 5, op.total).join('\n'));
  console.log(line(`decode step (${B} rows)`, dec.total, dec.count, decodeMs, dec.wall));
  console.log(top(dec.byShape, num('profile-rows') >> 1, dec.total).join('\n'));
}
tf.dispose([held.value, ...Object.values(held.grads)]);
cache.dispose();
tf.dispose(tensorsIn(weights).filter((t) => !own.has(t))); // what resolveWeights created, never the variables
opt.dispose();
model.dispose();

console.log('');
if (ref === null) {
  console.log(`train step: ${side} ${fmt(trainMs)} ms vs PyTorch unavailable`);
  console.log(`generation: ${side} ${fmt(genTps, 0)} tok/s vs PyTorch unavailable`);
  process.exit(1);
}
const thr = `PyTorch ${ref.threads} thread${ref.threads === 1 ? '' : 's'}`;
console.log(`train step: ${side} ${fmt(trainMs)} ms vs ${thr} ${fmt(ref.train.median_ms)} ms -> ${ratio(trainMs, ref.train.median_ms)}`);
console.log(`generation: ${side} ${fmt(genTps, 0)} tok/s vs ${thr} ${fmt(ref.generation.tokens_per_s, 0)} tok/s -> ${ratio(ref.generation.tokens_per_s, genTps)}`);
