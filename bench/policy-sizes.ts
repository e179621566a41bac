// Benchmark: how the tfjs policy's train step and generation grow with parameters and sequence length, against
// PyTorch on one thread. Run: pnpm bench policy --sizes [--size-list 1m,10m,50m] [--seqs 128,512,2048]
//      [--iters 1] [--threads 1] [--workers 1]   (PYTHON=/path/to/python3 picks the interpreter)
// Presets (GPT-2 style, byte vocabulary, maxPositions 2048, tied embeddings): 1m = hidden 128 x 4 layers,
// 10m = 384 x 6, 50m = 640 x 10. At each (preset, T) point:
//   train step: trainStep() on one sequence of T tokens (1 prompt token + T-1 completion tokens, SFT
//     cross-entropy, clip 1, AdamW): one warm-up step, then the median of --iters timed steps;
//   generation: generate() with one prompt of T-32 tokens and 4 samples of 32 KV-cached tokens at temperature 1
//     (the prefill of T-32 positions is most of it at long T): one warm-up call, then one timed call.
// Each point runs in its own process (tfjs and PyTorch alike), so its peak RSS is that point's alone and a point
// that cannot run (the wasm heap cannot grow past 4 GiB) is a row saying so, not a crash. The wasm heap is its size
// after the point (it never shrinks: what the largest pass needed). PyTorch runs bench/policy.py with the same
// config from its own random weights (times do not depend on the values): with $PYTHON, else the venv of
// examples/trl-grpo/setup-venv.sh (torch 2.13) when present, else /usr/bin/python3 (Debian's torch), as
// bench/torch-reference.ts picks it; that torch, its BLAS and its matMul rate next to tfjs-wasm's are printed
// first, with a warning when the reference BLAS is slow. --workers N > 1 also times the train
// step with N threads (gradient workers): one sequence cannot be split, so the points use a batch of N sequences
// then, and both rows (1 and N threads) use that batch. The load average is printed before and after, and the
// ratios (geometric mean over the points both sides ran) last.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Tf from '@tensorflow/tfjs-core';
import type { TrainingItem } from '@srl/core';
import type { TransformerConfig } from '../packages/policies/src/model/transformer-config.ts';
import { runChildJson } from './child-json.ts';
import { describeReference, tfjsMatMulGflops, torchPython } from './torch-reference.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const NEW_TOKENS = 32;
const SAMPLES = 4;

/** The presets of the curve (GPT-2 style, so bench/policy.py mirrors them). */
function sizeConfig(size: string, base: TransformerConfig): TransformerConfig {
  const shapes: Record<string, [number, number]> = { '1m': [128, 4], '10m': [384, 6], '50m': [640, 10] };
  const shape = shapes[size];
  if (shape === undefined) throw new Error(`--size-list: unknown size ${size}; expected some of ${Object.keys(shapes).join(',')}`);
  const [hidden, layers] = shape;
  return { ...base, hiddenSize: hidden, numLayers: layers, numHeads: hidden / 64, numKvHeads: hidden / 64, intermediateSize: 4 * hidden, maxPositions: 2048 };
}

interface Point {
  params?: number;
  trainMs?: number;
  /** CPU ms of the process per timed train step (every thread). */
  trainCpuMs?: number;
  trainWorkersMs?: number;
  genMs?: number;
  rssPeak?: number;
  wasmHeap?: number;
  error?: string;
}

/** One (size, T) point of the tfjs side, in this (child) process; prints a Point as JSON. */
async function measurePoint(size: string, T: number, iters: number, workers: number): Promise<void> {
  const { selectBackend } = await import('../packages/policies/src/backend/select-backend.ts');
  const { transformerPreset } = await import('../packages/policies/src/model/presets.ts');
  const { Transformer } = await import('../packages/policies/src/model/transformer.ts');
  const { AdamW } = await import('../packages/policies/src/training/adamw.ts');
  const { trainStep } = await import('../packages/policies/src/training/train-step.ts');
  const { generate } = await import('../packages/policies/src/generation/generate.ts');
  const { GradientPool } = await import('../packages/policies/src/parallel/gradient-pool.ts');
  const { SeededRng } = await import('../packages/core/src/training/seeded-rng.ts');
  // The copy of tfjs-core the policies package imports (bench/ has no node_modules of its own).
  const tf = createRequire(path.join(here, '..', 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;
  await selectBackend({ backend: 'wasm' });
  const heap = (): number => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
  const out: Point = {};
  const report = (): void => {
    out.rssPeak = process.resourceUsage().maxRSS * 1024;
    out.wasmHeap = heap();
    process.stdout.write(`${JSON.stringify(out)}\n`);
  };
  try {
    const config = sizeConfig(size, transformerPreset('gpt2-bench'));
    const model = Transformer.random(config, 0);
    out.params = model.parameterCount();
    const rng = new SeededRng(1);
    const ids = (n: number): number[] => Array.from({ length: n }, () => rng.nextUint32() % config.vocabSize);
    const items: TrainingItem[] = Array.from({ length: workers }, () => {
      const row = ids(T);
      return { promptTokenIds: row.slice(0, 1), completionTokenIds: row.slice(1) };
    });
    const opt = new AdamW(model.variables, { weightDecay: 0.1, kernels: model.kernels });
    const timeSteps = async (pool: InstanceType<typeof GradientPool> | null): Promise<number> => {
      const step = () => trainStep(model, opt, { objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 }, 0, pool);
      await step();
      const times: number[] = [];
      const c0 = process.cpuUsage();
      for (let i = 0; i < iters; i++) {
        const t0 = performance.now();
        await step();
        times.push(performance.now() - t0);
      }
      const c = process.cpuUsage(c0);
      if (pool === null) out.trainCpuMs = (c.user + c.system) / 1000 / iters;
      return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    };
    out.trainMs = await timeSteps(null);
    if (workers > 1) {
      const pool = await GradientPool.start({ lanes: workers, config, backend: 'wasm', kernels: model.kernels.name });
      try {
        out.trainWorkersMs = await timeSteps(pool);
      } finally {
        await pool.dispose();
      }
    }
    opt.dispose();
    const prompt = [ids(T - NEW_TOKENS)];
    const sample = () => generate(model, prompt, { n: SAMPLES, maxTokens: NEW_TOKENS, eosTokenIds: [], temperature: 1, topP: 1, topK: 0, rng });
    await sample();
    const t0 = performance.now();
    await sample();
    out.genMs = performance.now() - t0;
    model.dispose();
  } catch (error) {
    out.error = (error as Error).message.split('\n')[0].slice(0, 160);
  }
  report();
}

/** The PyTorch side of one point (bench/policy.py in its own process). */
function torchPoint(python: string, config: TransformerConfig, T: number, iters: number, batch: number, dir: string): Point & { torch?: string } {
  const spec = path.join(dir, `spec-${config.hiddenSize}-${T}.json`);
  const rng = Array.from({ length: T - NEW_TOKENS }, (_, i) => (i * 131 + 7) % config.vocabSize);
  writeFileSync(
    spec,
    JSON.stringify({
      config,
      threads: 1,
      seed: 0,
      breakdown: false,
      train: { batch, seq: T, warmup: 1, iters, lr: 1e-3, weightDecay: 0.1, maxGradNorm: 1 },
      generation: { prompts: [rng], samples: SAMPLES, newTokens: NEW_TOKENS, temperature: 1, warmup: 1, iters: 1 },
    }),
  );
  const r = spawnSync(python, [path.join(here, 'policy.py'), spec], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: (r.stderr || String(r.error)).trim().split('\n').slice(-1)[0].slice(0, 160) };
  const j = JSON.parse(r.stdout) as {
    torch: string;
    parameters: number;
    rss_peak: number;
    cpu_per_wall: { train: number };
    train: { median_ms: number; times_ms: number[] };
    generation: { median_ms: number };
  };
  const trainCpuMs = (j.cpu_per_wall.train * j.train.times_ms.reduce((a, b) => a + b, 0)) / j.train.times_ms.length;
  return { torch: j.torch, params: j.parameters, trainMs: j.train.median_ms, trainCpuMs, genMs: j.generation.median_ms, rssPeak: j.rss_peak };
}

function parse(argv: string[]): { sizes: string[]; seqs: number[]; iters: number; workers: number } {
  const o = { sizes: ['1m', '10m', '50m'], seqs: [128, 512, 2048], iters: 1, workers: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1] ?? ''];
    if (k === '--sizes') continue;
    i++;
    if (k === '--size-list') o.sizes = v.split(',');
    else if (k === '--seqs') o.seqs = v.split(',').map(Number);
    else if (k === '--iters') o.iters = Number(v);
    else if (k === '--workers') o.workers = Number(v);
    else if (k === '--threads' && v === '1') continue;
    else throw new Error(`unknown argument ${k} with --sizes; options: --size-list 1m,10m,50m --seqs 128,512,2048 --iters 1 --workers 1`);
  }
  for (const T of o.seqs)
    if (!(Number.isInteger(T) && T > NEW_TOKENS && T <= 2048)) throw new Error(`--seqs: ${T}, expected integers in (${NEW_TOKENS}, 2048]`);
  if (!(Number.isInteger(o.iters) && o.iters >= 1) || !(Number.isInteger(o.workers) && o.workers >= 1))
    throw new Error('--iters and --workers: positive integers');
  return o;
}

/** `pnpm bench policy --sizes ...`: every point in a child process, then the table. */
export async function runSizes(argv: string[]): Promise<void> {
  const o = parse(argv);
  const { transformerPreset } = await import('../packages/policies/src/model/presets.ts');
  const torchPy = torchPython(path.join(here, '..'));
  const python = torchPy.python;
  const reference = await referenceLines(torchPy);
  console.log(reference.info);
  if (reference.warning) console.log(reference.warning);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-bench-sizes-'));
  const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' ');
  const loadBefore = os.loadavg();
  const rows: { size: string; T: number; srl: Point; torch: Point & { torch?: string } }[] = [];
  const started = performance.now();
  try {
    for (const size of o.sizes)
      for (const T of o.seqs) {
        const child = runChildJson<Point>(fileURLToPath(import.meta.url), ['--point', size, String(T), String(o.iters), String(o.workers)]);
        const srl: Point = 'value' in child ? child.value : { error: child.error };
        const torch = torchPoint(python, sizeConfig(size, transformerPreset('gpt2-bench')), T, o.iters, o.workers, dir);
        rows.push({ size, T, srl, torch });
        process.stdout.write(
          `${size} T=${T}: srl ${srl.error ? 'stopped' : `${srl.trainMs?.toFixed(0)} ms`}, PyTorch ${torch.error ? 'failed' : `${torch.trainMs?.toFixed(0)} ms`}\n`,
        );
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mb = (x?: number): string => (x === undefined ? '-' : (x / 2 ** 20).toFixed(0));
  const ms = (x?: number): string => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
  const x = (a?: number, b?: number): string => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
  const tokS = (t?: number): string => (t === undefined ? '-' : ((SAMPLES * NEW_TOKENS) / (t / 1000)).toFixed(0));
  const version = rows.find((r) => r.torch.torch)?.torch.torch ?? 'unavailable';
  const batch = o.workers > 1 ? `${o.workers} sequences` : 'one sequence';
  console.log(
    `\ntfjs-wasm (1 thread${o.workers > 1 ? `, and ${o.workers} threads` : ''}) vs PyTorch ${version} (1 thread); train step on ${batch} of T tokens; generation ${SAMPLES} x ${NEW_TOKENS} tokens after a prompt of T-${NEW_TOKENS}`,
  );
  const head = [
    'size',
    'params',
    'T',
    'train ms',
    'torch ms',
    'ratio',
    'CPU ms',
    'torch CPU',
    'CPU ratio',
    ...(o.workers > 1 ? [`${o.workers}w ms`, `${o.workers}w ratio`] : []),
    'gen tok/s',
    'torch tok/s',
    'ratio',
    'RSS MB',
    'wasm heap MB',
    'torch RSS MB',
  ];
  const widths = head.map((h, i) => Math.max(h.length, i === 1 ? 10 : 7));
  console.log(head.map((h, i) => h.padStart(widths[i])).join(' '));
  for (const { size, T, srl, torch } of rows) {
    const cells = srl.error
      ? [size, (srl.params ?? torch.params ?? 0).toLocaleString('en-US'), String(T), 'stopped', ms(torch.trainMs)]
      : [
          size,
          (srl.params ?? 0).toLocaleString('en-US'),
          String(T),
          ms(srl.trainMs),
          ms(torch.trainMs),
          x(srl.trainMs, torch.trainMs),
          ms(srl.trainCpuMs),
          ms(torch.trainCpuMs),
          x(srl.trainCpuMs, torch.trainCpuMs),
          ...(o.workers > 1 ? [ms(srl.trainWorkersMs), x(srl.trainWorkersMs, torch.trainMs)] : []),
          tokS(srl.genMs),
          tokS(torch.genMs),
          x(torch.genMs === undefined ? undefined : srl.genMs, torch.genMs),
          mb(srl.rssPeak),
          mb(srl.wasmHeap),
          mb(torch.rssPeak),
        ];
    console.log(cells.map((c, i) => c.padStart(widths[i] ?? 7)).join(' '));
    if (srl.error)
      console.log(
        `      srl stopped: ${srl.error} (wasm heap ${mb(srl.wasmHeap)} MB, peak RSS ${mb(srl.rssPeak)} MB; PyTorch peak RSS ${mb(torch.rssPeak)} MB)`,
      );
    if (torch.error) console.log(`      PyTorch failed: ${torch.error}`);
  }
  console.log(
    `\n${((performance.now() - started) / 1000).toFixed(0)} s; load average (1, 5, 15 min) before ${load(loadBefore)}, after ${load(os.loadavg())} on ${os.availableParallelism()} cores; ratios are srl / PyTorch time (generation: srl time / PyTorch time); CPU ms: the process's CPU time per timed train step (every thread), which the machine's other load inflates less than wall time`,
  );
  if (reference.warning) console.log(reference.warning);
  console.log(ratioLine(rows));
}

/** Which PyTorch the reference is and its matMul rate next to tfjs-wasm's (one 50m-preset MLP product). */
async function referenceLines(torchPy: ReturnType<typeof torchPython>): Promise<{ info: string; warning: string | null }> {
  const shape = [256, 640, 2560] as const;
  const { selectBackend } = await import('../packages/policies/src/backend/select-backend.ts');
  const tf = createRequire(path.join(here, '..', 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;
  await selectBackend({ backend: 'wasm' });
  return describeReference({ python: torchPy, shape, side: 'tfjs-wasm', sideGflops: tfjsMatMulGflops(tf, shape) });
}

/** The last line: srl / PyTorch time, geometric mean over the points both sides ran, with the extremes. */
export function ratioLine(rows: { size: string; T: number; srl: Point; torch: Point }[]): string {
  const part = (label: string, pick: (p: Point) => number | undefined): string => {
    const rs = rows.flatMap((r) => {
      const [a, b] = [pick(r.srl), pick(r.torch)];
      return r.srl.error || r.torch.error || a === undefined || b === undefined ? [] : [{ at: `${r.size} T=${r.T}`, x: a / b }];
    });
    if (!rs.length) return `${label}: no point ran on both sides`;
    if (rs.length === 1) return `${label} ${rs[0].x.toFixed(2)}x (one point, ${rs[0].at})`;
    const mean = Math.exp(rs.reduce((a, r) => a + Math.log(r.x), 0) / rs.length);
    const lo = rs.reduce((a, r) => (r.x < a.x ? r : a));
    const hi = rs.reduce((a, r) => (r.x > a.x ? r : a));
    return `${label} ${mean.toFixed(2)}x (geometric mean of ${rs.length} points; ${lo.x.toFixed(2)}x at ${lo.at} to ${hi.x.toFixed(2)}x at ${hi.at})`;
  };
  return `srl / PyTorch 1 thread: ${part('train step', (p) => p.trainMs)}; ${part('generation', (p) => p.genMs)}`;
}

if (process.argv[2] === '--point') {
  const [size, T, iters, workers] = process.argv.slice(3);
  await measurePoint(size, Number(T), Number(iters), Number(workers));
}
