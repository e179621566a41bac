/**
 * The arithmetic of a decoding step's norm, q/k/v placement and cached attention on the tfjs wasm backend's heap,
 * on float indices into HEAPF32: shared by the tfjs kernels (wasm-decode-kernels.ts) and the tensor-free decoder
 * (heap-decoder.ts), so that both compute the same floats. SIMD (simd-kernels.ts, simd-row-kernels.ts) where the
 * sizes allow, JavaScript otherwise. Every function re-reads `be.wasm.HEAPF32` (the heap's buffer changes when it
 * grows).
 */
import { simdAttention } from './simd-attention';
import { simdPlaceQkv } from './simd-place-qkv';
import { simdRowKernels } from './simd-row-kernels';
import type { WasmInternals } from './wasm-internals';

const f32 = Math.fround;

/** Float indices of a norm's operands; b, residual and sum -1 when absent. */
export interface NormAt {
  x: number;
  w: number;
  b: number;
  /** With `residual`: `sum` receives x + residual, and the norm is of that. */
  residual: number;
  sum: number;
  out: number;
}

/** LayerNorm (bias b when b >= 0) or RMSNorm of R rows of C floats, of x or of x + residual. */
export function normRows(be: WasmInternals, kind: 'layernorm' | 'rmsnorm', eps: number, R: number, C: number, a: NormAt): void {
  const heap = be.wasm.HEAPF32;
  const { x: xi, w: wi, b: bi, out: oi } = a;
  let src = xi;
  const simd = C % 4 === 0 && R * C > 0 ? simdRowKernels(be.wasm.asm?.memory) : null;
  if (a.residual >= 0) {
    const ri = a.residual;
    src = a.sum;
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
    return;
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
}

/** One step's attention shapes: query heads, KV heads, head size, RoPE tables (q's scale folded in) or the scale. */
export interface QkvPlacement {
  H: number;
  Hkv: number;
  D: number;
  positions: Int32Array;
  scale: number;
  qCos?: Float32Array;
  qSin?: Float32Array;
  kCos?: Float32Array;
  kSin?: Float32Array;
}

/** Floats of scratch `placeQkv` needs for R rows of head size D: the positions, then four RoPE tables. */
export const placeScratch = (R: number, D: number): number => R + 4 * R * D;

/**
 * From the fused projection qkv [R, (H + 2 Hkv) D] at `src`: RoPE and the 1/sqrt(D) scale for q and k, q written to
 * `qi` as [R*Hkv, G, D], each row's key and value written into the caches at `ki`, `vi` ([R*Hkv, L, D]) at its
 * position. (The caller forgets any packed copy of the caches: forgetPackedWeights.) In one WebAssembly SIMD call
 * where D allows (simd-place-qkv.ts, the same arithmetic), with `scratch` a float index of `placeScratch(R, D)`
 * free floats or -1 (then allocated here); else in JavaScript.
 */
export function placeQkv(be: WasmInternals, p: QkvPlacement, R: number, L: number, src: number, qi: number, ki: number, vi: number, scratch = -1): void {
  const { H, Hkv, D, positions, scale, qCos, qSin, kCos, kSin } = p;
  const simd = D % (qCos === undefined ? 4 : 8) === 0 && D > 0 ? simdPlaceQkv(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    const own = scratch < 0;
    const at = own ? be.wasm._malloc(placeScratch(R, D) * 4) >>> 2 : scratch;
    try {
      const heap = be.wasm.HEAPF32;
      new Int32Array(heap.buffer, at * 4, R).set(positions);
      const tables = at + R;
      if (qCos !== undefined) [qCos, qSin, kCos, kSin].forEach((t, i) => heap.set(t as Float32Array, tables + i * R * D));
      simd.placeQkv(src * 4, qi * 4, ki * 4, vi * 4, at * 4, qCos === undefined ? 0 : tables * 4, R, H, Hkv, D * 4, L, scale);
    } finally {
      if (own) be.wasm._free(at * 4);
    }
    return;
  }
  const heap = be.wasm.HEAPF32;
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
}

/** Floats of scratch `attendCached` needs for R rows and caches of L positions. */
export const attendScratch = (R: number, L: number): number => ((L + 3) & ~3) + R;

/**
 * Attention of one new query per row over the row's cached positions 0..positions[r] only (no mask, no work on
 * unwritten slots): q [R*Hkv, G, D] (scaled) at `qi`, keys and values [R*Hkv, L, D] at `ki`, `vi`, output [R, H*D]
 * (head h = j*G + g) at `oi`. `scratch`: a float index of `attendScratch(R, L)` free floats, or -1 (then allocated
 * here). In one WebAssembly SIMD call (simd-attention.ts: float32 dot products, weighted sums and exponentials)
 * when available, else in JavaScript (float64).
 */
export function attendCached(
  be: WasmInternals,
  R: number,
  Hkv: number,
  G: number,
  D: number,
  L: number,
  positions: Int32Array,
  at: { q: number; k: number; v: number; out: number; scratch: number },
): void {
  const { q: qi, k: ki, v: vi, out: oi } = at;
  const simd = D % 4 === 0 && D > 0 ? simdAttention(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    // Scores and probabilities in scratch on the heap, rounded up to whole vectors, then the positions (int32).
    const own = at.scratch < 0;
    const scratch = own ? be.wasm._malloc(attendScratch(R, L) * 4) : at.scratch * 4;
    try {
      const pos = scratch + ((L + 3) & ~3) * 4;
      new Int32Array(be.wasm.HEAPF32.buffer, pos, R).set(positions);
      simd.attendLayer(qi * 4, ki * 4, vi * 4, oi * 4, scratch, pos, R, Hkv, G, D * 4, L);
    } finally {
      if (own) be.wasm._free(scratch);
    }
    return;
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
}
