/**
 * Inference-only kernels for one decoding step on the tfjs `wasm` backend, in JavaScript and WebAssembly SIMD
 * (simd/) on the backend's heap.
 * A decoding step works on a few rows ([samples, hidden]): there the cost of a tfjs op is its dispatch (~10 us),
 * not its arithmetic, so each kernel here replaces a chain of ops:
 *
 * - `SrlNorm`: LayerNorm or RMSNorm of x, optionally of x + residual (also returned): 1 kernel instead of 9-10.
 * - `SrlDecodeQkv`: from the fused projection, RoPE and the 1/sqrt(D) scale for q and k, the new key and value
 *   written into the KV cache in place, q returned as [R*Hkv, G, D]: 1 kernel instead of ~12.
 * - `SrlDecodeAttention`: attention of the new token over each row's written positions only: 1 kernel
 *   instead of 6 (two products over the whole cache, a mask, a softmax, reshapes).
 * - `SrlGeluArg` and `SrlProduct`: GELU as x * sigmoid(z) and SwiGLU as gate * sigmoid(gate) * up in 3 and 2
 *   kernels (the sigmoid on XNNPACK) instead of 6 and 3.
 *
 * Arithmetic mirrors the differentiable path's float32 operation order where it matters for exactness (RoPE,
 * scaling); the tests compare both paths token for token.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd-kernels';
import { simdRowKernels } from './simd-row-kernels';
import { forgetPackedWeights, heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';

export const SRL_NORM = 'SrlNorm';
export const SRL_DECODE_QKV = 'SrlDecodeQkv';
export const SRL_DECODE_ATTENTION = 'SrlDecodeAttention';
export const SRL_GELU_ARG = 'SrlGeluArg';
export const SRL_PRODUCT = 'SrlProduct';

const f32 = Math.fround;

/** attrs: kind 'layernorm' | 'rmsnorm', eps. Inputs x [R, C], w [C], b? [C], residual? [R, C]. */
const norm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, w, b, residual } = inputs as { x: TensorInfo; w: TensorInfo; b?: TensorInfo; residual?: TensorInfo };
  const { kind, eps } = attrs as unknown as { kind: 'layernorm' | 'rmsnorm'; eps: number };
  const be = wasmInternals(backend) as WasmInternals;
  const [R, C] = x.shape;
  const sum = residual === undefined ? null : be.makeOutput([R, C], 'float32');
  const out = be.makeOutput([R, C], 'float32');
  const heap = be.wasm.HEAPF32;
  const xi = heapIndex(be, x);
  const wi = heapIndex(be, w);
  const bi = b === undefined ? -1 : heapIndex(be, b);
  const oi = heapIndex(be, out);
  let src = xi;
  const simd = C % 4 === 0 && R * C > 0 ? simdRowKernels(be.wasm.asm?.memory) : null;
  if (sum !== null && residual !== undefined) {
    const ri = heapIndex(be, residual);
    src = heapIndex(be, sum);
    if (simd !== null) simd.add(xi * 4, ri * 4, src * 4, R * C * 4);
    else for (let i = 0; i < R * C; i++) heap[src + i] = heap[xi + i] + heap[ri + i];
  }
  if (simd !== null) {
    // The same formulas in float32 SIMD (sums in four float32 lanes instead of one float64).
    for (let r = 0; r < R; r++) {
      const row = (src + r * C) * 4;
      const o = (oi + r * C) * 4;
      const mean = kind === 'rmsnorm' ? 0 : f32(simd.sum(row, C * 4) / C);
      const rstd = f32(1 / Math.sqrt(f32(f32(simd.sumSqDev(row, C * 4, mean) / C) + eps)));
      if (bi < 0 || kind === 'rmsnorm') simd.scaleRow(row, wi * 4, o, C * 4, mean, rstd);
      else simd.scaleRowBias(row, wi * 4, bi * 4, o, C * 4, mean, rstd);
    }
    return sum === null ? out : [sum, out];
  }
  for (let r = 0; r < R; r++) {
    const row = src + r * C;
    const o = oi + r * C;
    if (kind === 'rmsnorm') {
      let ss = 0;
      for (let c = 0; c < C; c++) ss += heap[row + c] * heap[row + c];
      const rstd = f32(1 / Math.sqrt(f32(f32(ss / C) + eps)));
      for (let c = 0; c < C; c++) heap[o + c] = f32(heap[row + c] * rstd) * heap[wi + c];
    } else {
      let mean = 0;
      for (let c = 0; c < C; c++) mean += heap[row + c];
      mean = f32(mean / C);
      let v = 0;
      for (let c = 0; c < C; c++) v += (heap[row + c] - mean) ** 2;
      const rstd = f32(1 / Math.sqrt(f32(f32(v / C) + eps)));
      for (let c = 0; c < C; c++) heap[o + c] = f32(f32(f32(heap[row + c] - mean) * rstd) * heap[wi + c]) + (bi < 0 ? 0 : heap[bi + c]);
    }
  }
  return sum === null ? out : [sum, out];
};

/**
 * Inputs qkv [R, (H + 2 Hkv) D], keys and values [R*Hkv, L, D] (written in place at each row's position).
 * attrs: H, Hkv, D, positions (Int32Array [R]), and either qCos/qSin/kCos/kSin (Float32Array [R*D], RoPE tables
 * with q's scale folded in) or scale (no RoPE: q is multiplied by it). Output q [R*Hkv, G, D].
 */
const decodeQkv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { qkv, keys, values } = inputs as { qkv: TensorInfo; keys: TensorInfo; values: TensorInfo };
  const a = attrs as unknown as {
    H: number;
    Hkv: number;
    D: number;
    positions: Int32Array;
    scale: number;
    qCos?: Float32Array;
    qSin?: Float32Array;
    kCos?: Float32Array;
    kSin?: Float32Array;
  };
  // Every attribute is read once, here: the loops below run per element, and the attrs object's shape depends on
  // how the caller built it (a spread of several objects can leave property reads slow inside hot loops).
  const { H, Hkv, D, positions, scale, qCos, qSin, kCos, kSin } = a;
  const be = wasmInternals(backend) as WasmInternals;
  const R = qkv.shape[0];
  const L = keys.shape[1];
  const q = be.makeOutput([R * Hkv, H / Hkv, D], 'float32');
  const heap = be.wasm.HEAPF32;
  const src = heapIndex(be, qkv);
  const qi = heapIndex(be, q);
  const ki = heapIndex(be, keys);
  const vi = heapIndex(be, values);
  const width = (H + 2 * Hkv) * D;
  const half = D / 2;
  // x * cos + rotate_half(x) * sin, with the products rounded to float32 as the tensor path rounds them.
  const rotate = (from: number, to: number, cos: Float32Array, sin: Float32Array, t: number): void => {
    for (let i = 0; i < half; i++) {
      const x1 = heap[from + i];
      const x2 = heap[from + i + half];
      heap[to + i] = f32(x1 * cos[t + i]) + f32(-x2 * sin[t + i]);
      heap[to + i + half] = f32(x2 * cos[t + i + half]) + f32(x1 * sin[t + i + half]);
    }
  };
  for (let r = 0; r < R; r++) {
    const row = src + r * width;
    const t = r * D;
    for (let h = 0; h < H; h++) {
      const from = row + h * D;
      const to = qi + (r * H + h) * D;
      if (qCos !== undefined) rotate(from, to, qCos, qSin as Float32Array, t);
      else for (let i = 0; i < D; i++) heap[to + i] = heap[from + i] * scale;
    }
    for (let j = 0; j < Hkv; j++) {
      const slot = ((r * Hkv + j) * L + positions[r]) * D;
      const kFrom = row + (H + j) * D;
      if (kCos !== undefined) rotate(kFrom, ki + slot, kCos, kSin as Float32Array, t);
      else heap.copyWithin(ki + slot, kFrom, kFrom + D);
      const vFrom = row + (H + Hkv + j) * D;
      heap.copyWithin(vi + slot, vFrom, vFrom + D);
    }
  }
  forgetPackedWeights(be, keys);
  forgetPackedWeights(be, values);
  return q;
};

const GELU_K = 2 * Math.sqrt(2 / Math.PI);

/**
 * The argument of GPT-2's tanh-form GELU written as x * sigmoid(z): z = 2 sqrt(2/pi) (x + 0.044715 x^3). The
 * sigmoid itself is left to XNNPACK (vectorised; Math.exp costs ~12 ns per element in V8).
 */
const geluArg: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput(x.shape, 'float32');
  const heap = be.wasm.HEAPF32;
  const xi = heapIndex(be, x);
  const oi = heapIndex(be, out);
  const n = x.shape.reduce((p, d) => p * d, 1);
  const simd = n % 4 === 0 && n > 0 ? simdRowKernels(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    simd.geluArg(xi * 4, oi * 4, n * 4, GELU_K, 0.044715);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = heap[xi + i];
    heap[oi + i] = GELU_K * v * (1 + 0.044715 * v * v);
  }
  return out;
};

/** a * b * c, elementwise (x * sigmoid(z) for GELU with c = 1 omitted; silu(gate) * up = gate * sigmoid(gate) * up). */
const product: KernelFunc = ({ inputs, backend }) => {
  const { a, b, c } = inputs as { a: TensorInfo; b: TensorInfo; c?: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput(a.shape, 'float32');
  const heap = be.wasm.HEAPF32;
  const ai = heapIndex(be, a);
  const bi = heapIndex(be, b);
  const ci = c === undefined ? -1 : heapIndex(be, c);
  const oi = heapIndex(be, out);
  const n = a.shape.reduce((p, d) => p * d, 1);
  const simd = n % 4 === 0 && n > 0 ? simdRowKernels(be.wasm.asm?.memory) : null;
  if (simd !== null && ci < 0) simd.mul2(ai * 4, bi * 4, oi * 4, n * 4);
  else if (simd !== null) simd.mul3(ai * 4, bi * 4, ci * 4, oi * 4, n * 4);
  else if (ci < 0) for (let i = 0; i < n; i++) heap[oi + i] = heap[ai + i] * heap[bi + i];
  else for (let i = 0; i < n; i++) heap[oi + i] = f32(heap[ai + i] * heap[bi + i]) * heap[ci + i];
  return out;
};

/**
 * Attention of one new query per row over the row's cached positions 0..positions[r] only (no mask, no work on
 * unwritten slots). Inputs q [R*Hkv, G, D] (scaled), keys and values [R*Hkv, L, D]; attrs positions [R].
 * Output [R, H*D] (head h = j*G + g). Dot products and weighted sums in WebAssembly SIMD (float32) when available,
 * else in JavaScript (float64); the softmax's exponentials in SIMD too (simd-row-kernels.ts), its max and
 * normalisation in JavaScript.
 */
const decodeAttention: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, keys, values } = inputs as { q: TensorInfo; keys: TensorInfo; values: TensorInfo };
  const positions = (attrs as unknown as { positions: Int32Array }).positions;
  const be = wasmInternals(backend) as WasmInternals;
  const [n, G, D] = q.shape;
  const L = keys.shape[1];
  const R = positions.length;
  const Hkv = n / R;
  const out = be.makeOutput([R, Hkv * G * D], 'float32');
  const qi = heapIndex(be, q);
  const ki = heapIndex(be, keys);
  const vi = heapIndex(be, values);
  const oi = heapIndex(be, out);
  const simd = D % 4 === 0 && D > 0 ? simdKernels(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    // Scores and probabilities in a scratch buffer on the heap, so that the SIMD routines read them in place.
    // Rounded up to whole vectors: the exponentials run over len rounded up, the tail slots holding -Infinity.
    const scratch = be.wasm._malloc(((L + 3) & ~3) * 4);
    const rows = simdRowKernels(be.wasm.asm?.memory);
    try {
      const s = scratch >>> 2;
      for (let r = 0; r < R; r++) {
        const len = positions[r] + 1;
        for (let j = 0; j < Hkv; j++) {
          const row = (r * Hkv + j) * L * D;
          for (let g = 0; g < G; g++) {
            const head = ((r * Hkv + j) * G + g) * D;
            // Whole blocks of four keys with independent accumulators, the rest (< 4) one at a time.
            const len4 = rows === null ? 0 : len & ~3;
            if (len4 > 0) rows?.dots4((qi + head) * 4, (ki + row) * 4, len4, D * 4, scratch);
            if (len4 < len) simd.dots((qi + head) * 4, (ki + row + len4 * D) * 4, len - len4, D * 4, scratch + len4 * 4);
            const heap = be.wasm.HEAPF32;
            let max = -Infinity;
            for (let t = 0; t < len; t++) if (heap[s + t] > max) max = heap[s + t];
            let sum = 0;
            if (rows !== null) {
              const padded = (len + 3) & ~3;
              for (let t = len; t < padded; t++) heap[s + t] = -Infinity;
              sum = rows.expSum(scratch, padded * 4, max);
            } else for (let t = 0; t < len; t++) sum += heap[s + t] = Math.exp(heap[s + t] - max);
            const inv = 1 / sum;
            for (let t = 0; t < len; t++) heap[s + t] *= inv;
            simd.weightedSum(scratch, (vi + row) * 4, len, D * 4, (oi + head) * 4);
          }
        }
      }
    } finally {
      be.wasm._free(scratch);
    }
    return out;
  }
  const heap = be.wasm.HEAPF32;
  const scores = new Float64Array(L);
  const acc = new Float64Array(D);
  for (let r = 0; r < R; r++) {
    const len = positions[r] + 1;
    for (let j = 0; j < Hkv; j++) {
      const kBase = ki + (r * Hkv + j) * L * D;
      const vBase = vi + (r * Hkv + j) * L * D;
      for (let g = 0; g < G; g++) {
        const qo = qi + ((r * Hkv + j) * G + g) * D;
        let max = -Infinity;
        for (let t = 0; t < len; t++) {
          let dot = 0;
          const ko = kBase + t * D;
          for (let i = 0; i < D; i++) dot += heap[qo + i] * heap[ko + i];
          scores[t] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let t = 0; t < len; t++) sum += scores[t] = Math.exp(scores[t] - max);
        acc.fill(0);
        for (let t = 0; t < len; t++) {
          const p = scores[t] / sum;
          const vo = vBase + t * D;
          for (let i = 0; i < D; i++) acc[i] += p * heap[vo + i];
        }
        const o = oi + ((r * Hkv + j) * G + g) * D;
        for (let i = 0; i < D; i++) heap[o + i] = acc[i];
      }
    }
  }
  return out;
};

/** The kernels above, for the `wasm` backend (registered by wasm-kernels.ts). */
export const WASM_DECODE_KERNELS: KernelConfig[] = [
  { kernelName: SRL_DECODE_ATTENTION, backendName: 'wasm', kernelFunc: decodeAttention },
  { kernelName: SRL_NORM, backendName: 'wasm', kernelFunc: norm },
  { kernelName: SRL_DECODE_QKV, backendName: 'wasm', kernelFunc: decodeQkv },
  { kernelName: SRL_GELU_ARG, backendName: 'wasm', kernelFunc: geluArg },
  { kernelName: SRL_PRODUCT, backendName: 'wasm', kernelFunc: product },
];
