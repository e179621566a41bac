/**
 * Layout kernels for attention on the tfjs `wasm` backend, on the backend's heap: strided SIMD copies and 4 x 4
 * transposes (simd-copy.ts) where head sizes and lengths are multiples of 4, else JavaScript loops, with the same
 * floats either way. They replace a
 * column split of the fused q/k/v projection plus three 4-D transposes (tfjs slices and transposes are copies
 * with poor locality there) by one pass each way:
 *
 * - `SrlSplitQkv`: qkv [B*T, (H + 2*Hkv) * D] -> q [B*Hkv, G*T, D] (= [B, H, T, D]), kT [B*Hkv, D, T], v [B*Hkv, T, D].
 * - `SrlJoinQkv`: the inverse (the gradient of SrlSplitQkv).
 * - `SrlMergeHeads`: o [B*H, T, D] -> [B*T, H*D]; `SrlUnmergeHeads`: the inverse.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { simdCopy, type SimdCopy } from './simd-copy';
import { heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';

export const SRL_SPLIT_QKV = 'SrlSplitQkv';
export const SRL_JOIN_QKV = 'SrlJoinQkv';
export const SRL_MERGE_HEADS = 'SrlMergeHeads';
export const SRL_UNMERGE_HEADS = 'SrlUnmergeHeads';

/** Shapes shared by the kernels: batch, length, query heads, KV heads, head size. */
export interface HeadDims {
  B: number;
  T: number;
  H: number;
  Hkv: number;
  D: number;
}

function dims(attrs: NamedAttrMap | undefined): HeadDims {
  return attrs as unknown as HeadDims;
}

/**
 * Copies between the row layout r = [B*T, (H + 2 Hkv) D] and the head layouts, one direction or the other.
 * `toHeads` true: row -> heads (split); false: heads -> row (join).
 */
function moveQkv(heap: Float32Array, row: number, q: number, kT: number, v: number, d: HeadDims, toHeads: boolean): void {
  const { B, T, H, Hkv, D } = d;
  const width = (H + 2 * Hkv) * D;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const r = row + (b * T + t) * width;
      for (let h = 0; h < H; h++) {
        const at = q + ((b * H + h) * T + t) * D;
        const from = r + h * D;
        if (toHeads) for (let i = 0; i < D; i++) heap[at + i] = heap[from + i];
        else for (let i = 0; i < D; i++) heap[from + i] = heap[at + i];
      }
      for (let j = 0; j < Hkv; j++) {
        const kFrom = r + (H + j) * D;
        const kAt = kT + (b * Hkv + j) * D * T + t;
        const vFrom = r + (H + Hkv + j) * D;
        const vAt = v + ((b * Hkv + j) * T + t) * D;
        if (toHeads) {
          for (let i = 0; i < D; i++) heap[kAt + i * T] = heap[kFrom + i];
          for (let i = 0; i < D; i++) heap[vAt + i] = heap[vFrom + i];
        } else {
          for (let i = 0; i < D; i++) heap[kFrom + i] = heap[kAt + i * T];
          for (let i = 0; i < D; i++) heap[vFrom + i] = heap[vAt + i];
        }
      }
    }
  }
}

/** The SIMD routines for these dims on `be`'s heap, or null (head size or length not a multiple of 4, no SIMD). */
function copyFor(be: WasmInternals, d: HeadDims, transposes: boolean): SimdCopy | null {
  return d.D > 0 && d.T > 0 && d.D % 4 === 0 && (!transposes || d.T % 4 === 0) ? simdCopy(be.wasm.asm?.memory) : null;
}

/** moveQkv on the SIMD routines (float indices as moveQkv's): per batch entry and head a strided copy, kT by transposes. */
function moveQkvSimd(c: SimdCopy, row: number, q: number, kT: number, v: number, d: HeadDims, toHeads: boolean): void {
  const { B, T, H, Hkv, D } = d;
  const rowBytes = (H + 2 * Hkv) * D * 4;
  const dBytes = D * 4;
  const copy = (cols: number, block: number): void =>
    toHeads ? c.copyRows(cols, block, T, dBytes, rowBytes, dBytes) : c.copyRows(block, cols, T, dBytes, dBytes, rowBytes);
  for (let b = 0; b < B; b++) {
    const r = row * 4 + b * T * rowBytes;
    for (let h = 0; h < H; h++) copy(r + h * dBytes, (q + (b * H + h) * T * D) * 4);
    for (let j = 0; j < Hkv; j++) {
      const kCols = r + (H + j) * dBytes;
      const kBlock = (kT + (b * Hkv + j) * D * T) * 4;
      if (toHeads) c.transposeRows(kCols, kBlock, T, D, rowBytes, T * 4);
      else c.transposeRows(kBlock, kCols, D, T, T * 4, rowBytes);
      copy(r + (H + Hkv + j) * dBytes, (v + (b * Hkv + j) * T * D) * 4);
    }
  }
}

const splitQkv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const d = dims(attrs);
  const be = wasmInternals(backend) as WasmInternals;
  const G = d.H / d.Hkv;
  const q = be.makeOutput([d.B * d.Hkv, G * d.T, d.D], 'float32');
  const kT = be.makeOutput([d.B * d.Hkv, d.D, d.T], 'float32');
  const v = be.makeOutput([d.B * d.Hkv, d.T, d.D], 'float32');
  const c = copyFor(be, d, true);
  if (c !== null) moveQkvSimd(c, heapIndex(be, x), heapIndex(be, q), heapIndex(be, kT), heapIndex(be, v), d, true);
  else moveQkv(be.wasm.HEAPF32, heapIndex(be, x), heapIndex(be, q), heapIndex(be, kT), heapIndex(be, v), d, true);
  return [q, kT, v];
};

const joinQkv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, kT, v } = inputs as { q: TensorInfo; kT: TensorInfo; v: TensorInfo };
  const d = dims(attrs);
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput([d.B * d.T, (d.H + 2 * d.Hkv) * d.D], 'float32');
  const c = copyFor(be, d, true);
  if (c !== null) moveQkvSimd(c, heapIndex(be, out), heapIndex(be, q), heapIndex(be, kT), heapIndex(be, v), d, false);
  else moveQkv(be.wasm.HEAPF32, heapIndex(be, out), heapIndex(be, q), heapIndex(be, kT), heapIndex(be, v), d, false);
  return out;
};

/** [B*H, T, D] <-> [B*T, H*D]. */
function moveHeads(be: WasmInternals, heads: number, rows: number, d: HeadDims, toRows: boolean): void {
  const { B, T, H, D } = d;
  const c = copyFor(be, d, false);
  if (c !== null) {
    // per batch entry and head: T rows of D floats between strides D and H*D
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const a = (heads + (b * H + h) * T * D) * 4;
        const r = (rows + b * T * H * D + h * D) * 4;
        if (toRows) c.copyRows(a, r, T, D * 4, D * 4, H * D * 4);
        else c.copyRows(r, a, T, D * 4, H * D * 4, D * 4);
      }
    return;
  }
  const heap = be.wasm.HEAPF32;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const a = heads + ((b * H + h) * T + t) * D;
        const r = rows + (b * T + t) * H * D + h * D;
        if (toRows) for (let i = 0; i < D; i++) heap[r + i] = heap[a + i];
        else for (let i = 0; i < D; i++) heap[a + i] = heap[r + i];
      }
    }
  }
}

const mergeHeads: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const d = dims(attrs);
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput([d.B * d.T, d.H * d.D], 'float32');
  moveHeads(be, heapIndex(be, x), heapIndex(be, out), d, true);
  return out;
};

const unmergeHeads: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const d = dims(attrs);
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput([d.B * d.H, d.T, d.D], 'float32');
  moveHeads(be, heapIndex(be, out), heapIndex(be, x), d, false);
  return out;
};

/** The kernels above, for the `wasm` backend (registered by wasm-kernels.ts). */
export const WASM_HEAD_KERNELS: KernelConfig[] = [
  { kernelName: SRL_SPLIT_QKV, backendName: 'wasm', kernelFunc: splitQkv },
  { kernelName: SRL_JOIN_QKV, backendName: 'wasm', kernelFunc: joinQkv },
  { kernelName: SRL_MERGE_HEADS, backendName: 'wasm', kernelFunc: mergeHeads },
  { kernelName: SRL_UNMERGE_HEADS, backendName: 'wasm', kernelFunc: unmergeHeads },
];
