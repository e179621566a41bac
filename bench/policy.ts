// Benchmark: the tfjs transformer policy against PyTorch on the CPU, same model, batch and thread count, one run.
// Run: pnpm bench policy --sizes [...]: the scale curve (1M-50M parameters, T up to 2048; see bench/policy-sizes.ts).
// Run: pnpm bench policy [--batch 16] [--seq 64] [--iters 10] [--warmup 3] [--new-tokens 48] [--prompt-len 16]
//      [--samples 4] [--gen-iters 5] [--threads 1] [--workers 1] [--preset gpt2-bench] [--backend auto|wasm|cpu|tensorflow]
//      [--kernels auto|reference|wasm|tensorflow] [--generation-backend auto|same|wasm]
//      [--profile-rows 16] [--no-profile] [--rounds 3]
// PyTorch runs under $PYTHON when set, else the venv of examples/trl-grpo/setup-venv.sh (torch 2.13) when present,
// else Debian's /usr/bin/python3 (bench/torch-reference.ts); the report names that torch and its BLAS, and warns
// when its matMul runs under half of tfjs's rate (a reference BLAS makes every ratio flatter srl).
// --workers N (> 1) also times the train step and generation with N threads (the policy's gradient workers; prompts
// split between the threads as the policy splits them, parallel-generate.ts) against PyTorch.
// (a) train step: trainStep() on `batch` sequences of `seq` tokens (1 prompt token + seq-1 completion tokens,
//     SFT cross-entropy, global-norm clipping at 1, AdamW with decay 0.1 on matrices, lr 1e-3): forward,
//     backward, optimizer; (b) generation: generate() with `batch / samples` prompts of `prompt-len` tokens,
//     `samples` completions each (one shared prefill), `new-tokens` KV-cached tokens each, temperature 1.
// bench/policy.py does the same in PyTorch from the same initial weights and data (the first step's loss and
// gradient norm are compared, so both sides provably run the same model). Each figure is the median of the timed
// runs after untimed warm-up runs. The tfjs wasm backend runs one thread in Node (tfjs disables wasm threads
// there), so PyTorch gets `--threads 1` by default (policy.py also pins OpenBLAS, which ignores torch's setting);
// both sides' CPU-seconds per wall-second are printed. The reference mirrors GPT-2 presets only. After the table
// come a kernel profile of the tfjs side (self time per kernel, forward/backward split at the loss) and, last, the
// two ratios. The machine's other load shows up in both sides' times, so the train step is timed in `rounds`
// alternating rounds (srl's `iters` steps, then PyTorch's in a fresh process, train steps only after the first),
// and the train-step ratios printed last are the medians of the rounds' ratios, each round's listed before them.
import os from 'node:os';
import type * as Tf from '@tensorflow/tfjs-core';
import { bench, fmt, median, parseArgs, profiling, ratio, repoRoot, tensorsIn, tf, timeAsync } from './policy-helpers.ts';
import { printKernelProfile } from './policy-kernel-report.ts';
import { removeTorchSpec, runTorchReference, writeTorchSpec } from './policy-torch.ts';
import type { TrainingItem } from '@srl/core';
import { selectBackend, type BackendName } from '../packages/policies/src/backend/select-backend.ts';
import { generate, type GenerateOptions } from '../packages/policies/src/generation/generate.ts';
import { WasmGenerationCopy } from '../packages/policies/src/generation/wasm-generation-copy.ts';
import { GradientPool } from '../packages/policies/src/parallel/gradient-pool.ts';
import { generateAcrossLanes } from '../packages/policies/src/parallel/parallel-generate.ts';
import { SeededRng as Rng } from '../packages/core/src/training/seeded-rng.ts';
import { sampleToken } from '../packages/policies/src/generation/sampler.ts';
import { selectKernels, type KernelChoice } from '../packages/policies/src/kernels/select-kernels.ts';
import { KvCache } from '../packages/policies/src/model/kv-cache.ts';
import { tokenLogProbs } from '../packages/policies/src/model/ops/token-log-probs.ts';
import { transformerPreset } from '../packages/policies/src/model/presets.ts';
import { Transformer, type ResolvedWeights } from '../packages/policies/src/model/transformer.ts';
import { AdamW } from '../packages/policies/src/training/adamw.ts';
import { clipByGlobalNorm } from '../packages/policies/src/training/clip-by-global-norm.ts';
import { objectiveLoss, planTokens } from '../packages/policies/src/training/objective.ts';
import { packSequences } from '../packages/policies/src/training/sequence-batch.ts';
import { trainStep } from '../packages/policies/src/training/train-step.ts';
import { describeReference, tfjsMatMulGflops, torchPython } from './torch-reference.ts';

// `--sizes`: the scale curve (bench/policy-sizes.ts) instead of the one-model comparison below.
if (process.argv.includes('--sizes')) {
  const { runSizes } = await import('./policy-sizes.ts');
  await runSizes(process.argv.slice(2));
  process.exit(0);
}
const args = parseArgs(process.argv.slice(2));
const LR = 1e-3;
const WEIGHT_DECAY = 0.1;
const MAX_GRAD_NORM = 1;
const CE = { kind: 'cross-entropy' } as const;

const num = (k: string): number => args[k] as number;

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
const model = Transformer.random(config, 0, selectKernels(args.kernels as KernelChoice));
console.log(`kernels: ${model.kernels.name}`);
const params = model.parameterCount();
const dataRng = new Rng(1);
const randomIds = (n: number): number[] => Array.from({ length: n }, () => dataRng.nextUint32() % config.vocabSize);
const rows = Array.from({ length: B }, () => randomIds(T));
const items: TrainingItem[] = rows.map((r) => ({ promptTokenIds: r.slice(0, 1), completionTokenIds: r.slice(1) }));
const prompts = Array.from({ length: B / S }, () => randomIds(promptLen));

// The initial weights and the data, for the PyTorch side (written before any step changes them).
const spec = writeTorchSpec(model, {
  config,
  threads: num('threads'),
  seed: 0,
  train: { batch: B, seq: T, warmup: num('warmup'), iters: num('iters'), lr: LR, weightDecay: WEIGHT_DECAY, maxGradNorm: MAX_GRAD_NORM, ids: rows.flat() },
  generation: { prompts, samples: S, newTokens, temperature: 1, warmup: 1, iters: num('gen-iters') },
  gemm: [B * T, config.hiddenSize, config.intermediateSize],
});

// ---- (a) train step --------------------------------------------------------------------------------------
console.log(
  `model ${args.preset}: ${params.toLocaleString('en-US')} parameters (${(params - config.maxPositions * config.hiddenSize).toLocaleString('en-US')} without position embeddings); train batch ${B} x ${T} tokens`,
);
const opt = new AdamW(model.variables, { weightDecay: WEIGHT_DECAY, kernels: model.kernels });
const step = (): ReturnType<typeof trainStep> => trainStep(model, opt, { objective: CE, items, learningRate: LR, maxGradNorm: MAX_GRAD_NORM });
const tensorsBefore = tf.memory().numTensors;
const first = await step();
for (let i = 1; i < num('warmup'); i++) await step();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const trainTimes: number[] = [];
for (let i = 0; i < num('iters'); i++) trainTimes.push(await timeAsync(step));
const cpu1 = process.cpuUsage(cpu0);
const trainCpu = (cpu1.user + cpu1.system) / 1000 / (performance.now() - wall0);
const trainMs = median(trainTimes);
const leaked = tf.memory().numTensors - tensorsBefore;
// --workers N: the same train step with N threads (gradient workers; the batch split into 2N micro-batches).
let workersMs: number | null = null;
// Kept for generation across the threads (below), then disposed.
const pool = num('workers') > 1 ? await GradientPool.start({ lanes: num('workers'), config, backend, kernels: model.kernels.name }) : null;
if (pool !== null) {
  const withPool = (): ReturnType<typeof trainStep> => trainStep(model, opt, { objective: CE, items, learningRate: LR, maxGradNorm: MAX_GRAD_NORM }, 0, pool);
  for (let i = 0; i < num('warmup'); i++) await withPool();
  const times: number[] = [];
  for (let i = 0; i < num('iters'); i++) times.push(await timeAsync(withPool));
  workersMs = median(times);
}

// The parts of trainStep, timed apart (same code path: pack, forward + log-probs + loss, gradients, clip + AdamW).
const names = [...model.variables.keys()];
const varList = names.map((n) => model.variables.get(n) as Tf.Variable);
const packed = packSequences(items, config);
const plan = planTokens(CE, items);
let forwardEnd = 0;
const lossFn = (): Tf.Scalar => {
  profiling.phase = 'forward';
  const { logits } = model.forward(packed.tokens, { outputRows: packed.outputRows });
  const r = tokenLogProbs(logits, packed.targets);
  r.logprobs.dataSync();
  r.entropies.dataSync();
  const loss = objectiveLoss(CE, plan, 0, plan.coef.length, r.logprobs);
  profiling.phase = 'backward'; // under tf.variableGrads, every kernel after this is the backward pass
  forwardEnd = performance.now();
  return loss;
};
const forwardMs = bench(() => tf.tidy(() => void lossFn().dataSync()), 1, num('iters'));
const gradsOnce = (): { value: Tf.Scalar; grads: Record<string, Tf.Tensor> } => tf.variableGrads(lossFn, varList);
// Forward and backward as they run in a train step: the forward under the gradient tape (it keeps what the
// backward needs), timed up to the loss, and the backward after it.
const tapedForward: number[] = [];
const backward: number[] = [];
const fwdBwdMs = bench(
  () => {
    const t0 = performance.now();
    const g = gradsOnce();
    g.value.dataSync();
    tapedForward.push(forwardEnd - t0);
    backward.push(performance.now() - forwardEnd);
    tf.dispose([g.value, ...Object.values(g.grads)]);
  },
  1,
  num('iters'),
);
tapedForward.shift(); // the warm-up call
backward.shift();
const tapedForwardMs = median(tapedForward);
const backwardMs = median(backward);
const held = gradsOnce();
const gradList = names.map((n) => held.grads[(model.variables.get(n) as Tf.Variable).name]);
const optMs = bench(
  () => {
    const { clipped } = clipByGlobalNorm(gradList, MAX_GRAD_NORM);
    opt.step(new Map(names.map((n, i) => [n, clipped[i]])), LR);
    if (clipped !== gradList) tf.dispose(clipped);
  },
  1,
  num('iters'),
);

// ---- (b) generation ----------------------------------------------------------------------------------------
const genOptions = { n: S, maxTokens: newTokens, eosTokenIds: [], temperature: 1, topP: 1, topK: 0 };
const genRng = new Rng(2);
// The policy's generationBackend option: auto samples on a wasm copy of the weights on tensorflow. Each timed call
// then includes the weight handover (invalidated first, as after every update).
const onWasm = args['generation-backend'] === 'wasm' || (args['generation-backend'] === 'auto' && tf.getBackend() === 'tensorflow');
const genCopy = onWasm && tf.getBackend() !== 'wasm' ? new WasmGenerationCopy(model) : null;
const handovers: number[] = [];
const sample = async (o: GenerateOptions): ReturnType<typeof generate> => {
  if (genCopy === null) return generate(model, prompts, o);
  genCopy.invalidate();
  const out = await genCopy.run((m, prefill) => generate(m, prompts, { ...o, prefill }));
  handovers.push(genCopy.lastHandoverMs);
  return out;
};
const warm = await sample({ ...genOptions, rng: genRng });
const produced = warm.flat().map((s) => s.tokenIds.length);
if (produced.length !== B || produced.some((n) => n !== newTokens))
  throw new Error(`generate produced ${produced.join(',')} tokens per row, expected ${B} rows of ${newTokens}`);
const genTimes: number[] = [];
const genCpu: number[] = [];
for (let i = 0; i < num('gen-iters'); i++) {
  const c0 = process.cpuUsage();
  genTimes.push(await timeAsync(() => sample({ ...genOptions, rng: genRng })));
  const c1 = process.cpuUsage(c0);
  genCpu.push((c1.user + c1.system) / 1000);
}
const genMs = median(genTimes);
// --workers N: the same calls with the prompts split between N threads (on the wasm copy's backend only when
// there is no copy: the policy samples across workers on wasm itself).
let workersGenMs: number | null = null;
if (pool !== null) {
  if (genCopy === null) {
    const across = (): ReturnType<typeof generate> => generateAcrossLanes(pool, model, prompts, { ...genOptions, rng: genRng });
    for (let i = 0; i < 2; i++) await across();
    const times: number[] = [];
    for (let i = 0; i < num('gen-iters'); i++) times.push(await timeAsync(across));
    workersGenMs = median(times);
  }
}
if (genCopy !== null)
  console.log(
    `generation on a wasm copy of the weights: handover (read + write of every weight) ${median(handovers.slice(1)).toFixed(2)} ms per call (median)`,
  );
const genTps = (B * newTokens) / (genMs / 1000);
// On a shared machine wall time includes waiting for a core; CPU time per call does not.
console.log(
  `generation CPU time per generate() call (median): ${median(genCpu).toFixed(1)} ms -> ${Math.round((B * newTokens) / (median(genCpu) / 1000))} tok per CPU-second`,
);

// Generation parts: prefill, one decode step of all rows, sampling of all rows (on the CPU).
const weights = tf.tidy(() => model.resolveWeights() as unknown as Tf.TensorContainer) as unknown as ResolvedWeights;
const own = new Set<Tf.Tensor>(model.variables.values());
const promptIds = Int32Array.from(prompts.flat());
const lastRows = Int32Array.from(prompts, (_, i) => i * promptLen + promptLen - 1);
const prefill = (): { logits: Tf.Tensor2D; kv: { keys: Tf.Tensor4D; values: Tf.Tensor4D }[] } =>
  tf.tidy(() => model.forward({ ids: promptIds, batch: prompts.length, length: promptLen }, { mode: 'prefill', outputRows: lastRows, weights }));
const prefillMs = bench(
  () => {
    const p = prefill();
    p.logits.dataSync();
    tf.dispose(p);
  },
  1,
  num('gen-iters'),
);
const pre = prefill();
const cache = KvCache.fromPrefill(
  model.kernels,
  pre.kv,
  Int32Array.from({ length: B }, (_, r) => Math.floor(r / S)),
  promptLen + newTokens,
);
tf.dispose(pre);
const decodeIds = Int32Array.from({ length: B }, (_, r) => r % config.vocabSize);
let pos = promptLen;
const decodeOnce = (): Float32Array => {
  const positions = new Int32Array(B).fill(pos);
  pos = pos + 1 < promptLen + newTokens ? pos + 1 : promptLen;
  const logits = tf.tidy(() => model.decode(cache, decodeIds, positions, weights));
  const data = logits.dataSync() as Float32Array;
  logits.dispose();
  return data;
};
const decodeMs = bench(decodeOnce, 3, 3 * newTokens);
const logitsRows = decodeOnce();
const sampleRng = new Rng(3);
const sampleMs = bench(
  () => {
    for (let r = 0; r < B; r++) sampleToken(logitsRows, r * config.vocabSize, config.vocabSize, { temperature: 1, topP: 1, topK: 0 }, sampleRng);
  },
  // A new call site: with 3 warm-up calls this read 0.23 ms for what takes 0.04 once V8 has optimised it (as in
  // generate, which calls it once per row and token).
  2000,
  200,
);

// One matrix product of the MLP's shape with the weights a variable (XNNPACK keeps them packed): the throughput
// floor of matMul-bound work, compared with the same product in PyTorch.
const gemmShape = spec.gemm;
const [gm, gk, gn] = gemmShape;
const gemmGflops = tfjsMatMulGflops(tf, gemmShape);
// Multiply-adds of one train step's products: forward (linear layers over B*T rows, attention scores and mixing,
// the output layer over the B*(T-1) predicted rows), backward twice that.
const C = config.hiddenSize;
const kvWidth = (config.numKvHeads / config.numHeads) * C;
const linearMacs = B * T * config.numLayers * (C * (C + 2 * kvWidth) + C * C + (config.mlp === 'swiglu' ? 3 : 2) * C * config.intermediateSize);
const attentionMacs = config.numLayers * 2 * B * config.numHeads * T * T * (C / config.numHeads);
const trainGflop = (3 * 2 * (linearMacs + attentionMacs + B * (T - 1) * C * config.vocabSize)) / 1e9;

// ---- PyTorch ---------------------------------------------------------------------------------------------
const torchPy = torchPython(repoRoot);
const python = torchPy.python;
console.log(`running the PyTorch reference: ${python} (${torchPy.from}) bench/policy.py (${num('threads')} thread(s)) ...`);
const reference = describeReference({ python: torchPy, shape: gemmShape, side: `tfjs-${backend}`, sideGflops: gemmGflops });
const ref = runTorchReference(python, spec);
// Alternating rounds of train steps: the run above is round 1; each later round times srl's `iters` steps (and
// with --workers, the pool's), then PyTorch's in a fresh process, so a drift in the machine's speed hits both.
interface Round {
  srl: number;
  workers: number | null;
  torch: number;
}
const rounds: Round[] = ref === null ? [] : [{ srl: trainMs, workers: workersMs, torch: ref.train.median_ms }];
for (let r = 1; ref !== null && r < num('rounds'); r++) {
  const own: number[] = [];
  for (let i = 0; i < num('iters'); i++) own.push(await timeAsync(step));
  let pooled: number | null = null;
  if (pool !== null) {
    const times: number[] = [];
    for (let i = 0; i < num('iters'); i++)
      times.push(await timeAsync(() => trainStep(model, opt, { objective: CE, items, learningRate: LR, maxGradNorm: MAX_GRAD_NORM }, 0, pool)));
    pooled = median(times);
  }
  const t = runTorchReference(python, spec, true);
  if (t === null) break;
  rounds.push({ srl: median(own), workers: pooled, torch: t.train.median_ms });
}
removeTorchSpec(spec);
await pool?.dispose();
/** The median over rounds of srl's time (or the pool's) over PyTorch's in the same round. */
const roundRatio = (pick: (r: Round) => number | null): number => median(rounds.map((r) => (pick(r) as number) / r.torch));

// ---- report ----------------------------------------------------------------------------------------------
const side = `tfjs-${backend}`;
const wasmNote =
  backend === 'wasm'
    ? `SIMD ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'on' : 'off'}, ${(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'threads' : '1 thread'}`
    : '';
console.log(
  `\n${side}${wasmNote ? ` (${wasmNote})` : ''} vs ${ref ? `PyTorch ${ref.torch} (${ref.threads} thread${ref.threads === 1 ? '' : 's'})` : 'PyTorch (unavailable)'}`,
);
console.log(reference.info);
if (ref) {
  const dl = Math.abs(first.loss - ref.train.first_loss);
  const dn = Math.abs(first.gradNorm - ref.train.first_grad_norm);
  const same = dl < 1e-4 * Math.max(1, ref.train.first_loss) && dn < 1e-3 * Math.max(1, ref.train.first_grad_norm) && ref.parameters === params;
  console.log(
    `same model check: parameters ${params} vs ${ref.parameters}; first-step loss ${first.loss.toFixed(6)} vs ${ref.train.first_loss.toFixed(6)}, grad norm ${first.gradNorm.toFixed(6)} vs ${ref.train.first_grad_norm.toFixed(6)} -> ${same ? 'match' : 'MISMATCH'}`,
  );
}
const row = (label: string, a: number, b: number | undefined, unit: string, lowerIsBetter = true): string => {
  const r = b === undefined ? '' : lowerIsBetter ? `${fmt(a / b, 2)}x` : `${fmt(b / a, 2)}x`;
  return `${label.padEnd(40)} ${`${fmt(a, unit === 'tok/s' ? 0 : 2)} ${unit}`.padStart(14)} ${b === undefined ? '-'.padStart(14) : `${fmt(b, unit === 'tok/s' ? 0 : 2)} ${unit}`.padStart(14)} ${r.padStart(8)}`;
};
console.log(`${''.padEnd(40)} ${side.padStart(14)} ${'PyTorch'.padStart(14)} ${'slower'.padStart(8)}`);
console.log(row('train step (median, trainStep)', trainMs, ref?.train.median_ms, 'ms'));
if (workersMs !== null) console.log(row(`train step, ${num('workers')} threads (gradient workers)`, workersMs, ref?.train.median_ms, 'ms'));
console.log(row('  forward + log-probs + loss (taped)', tapedForwardMs, ref?.train.forward_ms, 'ms'));
console.log(row('  backward', backwardMs, ref?.train.backward_ms, 'ms'));
console.log(row('  clip + AdamW', optMs, ref?.train.optimizer_ms, 'ms'));
console.log(row('  (forward alone, no tape: scoring)', forwardMs, undefined, 'ms'));
console.log(
  row(
    `  products: ${fmt(trainGflop, 2)} GFLOP/step -> GFLOP/s`,
    trainGflop / (trainMs / 1000),
    ref ? trainGflop / (ref.train.median_ms / 1000) : undefined,
    '',
    false,
  ),
);
console.log(row(`matMul [${gm},${gk}]x[${gk},${gn}] GFLOP/s`, gemmGflops, ref?.gemm.gflops, '', false));
console.log(row(`generation (${B / S}x${S} rows, ${newTokens} tok)`, genTps, ref?.generation.tokens_per_s, 'tok/s', false));
console.log(row('  whole generate() call', genMs, ref?.generation.median_ms, 'ms'));
if (workersGenMs !== null)
  console.log(
    row(`generation, ${num('workers')} threads (prompts split)`, (B * newTokens) / (workersGenMs / 1000), ref?.generation.tokens_per_s, 'tok/s', false),
  );
console.log(row(`  prefill (${B / S} x ${promptLen})`, prefillMs, ref?.generation.prefill_ms, 'ms'));
console.log(row(`  one decode step (${B} rows)`, decodeMs, undefined, 'ms'));
console.log(row(`  sampling ${B} rows on the CPU`, sampleMs, undefined, 'ms'));
console.log(`train step times (ms): ${trainTimes.map((t) => fmt(t, 0)).join(' ')}; tensors left after ${num('warmup') + num('iters')} steps: ${leaked}`);
console.log(
  `CPU seconds per wall second while timing train steps (1.0 = one busy thread): tfjs ${fmt(trainCpu, 2)}${ref ? `, PyTorch ${fmt(ref.cpu_per_wall.train, 2)} (generation ${fmt(ref.cpu_per_wall.generation, 2)})` : ''}`,
);

if (args.profile)
  await printKernelProfile({
    gradients: () => {
      const g = gradsOnce();
      tf.dispose([g.value, ...Object.values(g.grads)]);
    },
    adamw: () => opt.step(new Map(names.map((n, i) => [n, gradList[i]])), LR),
    decode: () => void decodeOnce(),
    unprofiledMs: { forwardBackward: fwdBwdMs, tapedForward: tapedForwardMs, backward: backwardMs, optimizer: optMs, decode: decodeMs },
    decodeRows: B,
    rowsShown: num('profile-rows'),
  });
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
if (reference.warning) console.log(reference.warning);
const thr = `PyTorch ${ref.threads} thread${ref.threads === 1 ? '' : 's'}`;
console.log(
  `train step in ${rounds.length} alternating rounds (median ms, srl then PyTorch): ${rounds
    .map((r) => `${fmt(r.srl, 0)}${r.workers === null ? '' : ` (${num('workers')} threads ${fmt(r.workers, 0)})`} vs ${fmt(r.torch, 0)}`)
    .join('; ')}`,
);
const [srlMs, torchMs] = [median(rounds.map((r) => r.srl)), median(rounds.map((r) => r.torch))];
console.log(
  `train step: ${side} ${fmt(srlMs)} ms vs ${thr} ${fmt(torchMs)} ms (medians over rounds) -> ${ratio(
    roundRatio((r) => r.srl),
    1,
  )} (median of the rounds' ratios)`,
);
if (workersMs !== null)
  console.log(
    `train step, ${num('workers')} threads: ${side} ${fmt(median(rounds.map((r) => r.workers as number)))} ms vs ${thr} ${fmt(torchMs)} ms -> ${ratio(
      roundRatio((r) => r.workers),
      1,
    )} (median of the rounds' ratios; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
console.log(
  `generation: ${side} ${fmt(genTps, 0)} tok/s vs ${thr} ${fmt(ref.generation.tokens_per_s, 0)} tok/s -> ${ratio(ref.generation.tokens_per_s, genTps)}`,
);
if (workersGenMs !== null) {
  const tps = (B * newTokens) / (workersGenMs / 1000);
  console.log(
    `generation, ${num('workers')} threads: ${side} ${fmt(tps, 0)} tok/s vs ${thr} ${fmt(ref.generation.tokens_per_s, 0)} tok/s -> ${ratio(ref.generation.tokens_per_s, tps)}`,
  );
}
