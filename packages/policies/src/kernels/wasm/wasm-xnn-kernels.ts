/**
 * Kernels that call tfjs-backend-wasm's XNNPACK bindings without the tfjs op around them:
 * - `SrlBatchMatMul`: tfjs runs XNNPACK only for 2-D, untransposed operands and batched products fall back to a
 *   naive loop (~2 GFLOP/s, 6x slower); this runs XNNPACK once per batch entry on views of the operands.
 * - `SrlDense`: x @ w + b in one XNNPACK call, without tf.fused.matMul's custom-gradient wrapper (~130 us per
 *   call on wasm) or the reshapes to 3-D around the kernel.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd-kernels';
import { heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';

let xnnMatMul: ((...args: unknown[]) => void) | null = null;
let xnnMatMulOwner: unknown = null;

/** Below this many multiply-adds per batch entry, XNNPACK's operator setup costs more than the naive loop. */
const MIN_MACS_PER_ENTRY = 16384;

/** The raw exports behind tfjs's own bindings (what `cwrap` wraps), called directly in the per-entry loop. */
interface RawExports {
  _BatchMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    outId: number,
  ): void;
  _register_tensor(id: number, size: number, offset: number): void;
  _dispose_data(id: number): void;
}

/** Two int32[3] shape arrays on the heap per backend instance (allocated once, never freed: 24 bytes). */
const shapeScratch = new WeakMap<object, number>();

/** a [n, M, K] @ b [n, K, N] -> [n, M, N]; float32, contiguous, no transposes, no broadcasting. */
export const batchMatMul: KernelFunc = ({ inputs, backend }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const [n, M, K] = a.shape;
  const N = b.shape[2];
  if (xnnMatMul === null || xnnMatMulOwner !== be) {
    // Same signature as tfjs-backend-wasm's own BatchMatMul binding.
    xnnMatMul = be.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    xnnMatMulOwner = be;
  }
  const out = be.makeOutput([n, M, N], 'float32');
  const simd = M * K * N < MIN_MACS_PER_ENTRY && n > 1 && N % 4 === 0 && M * K * N > 0 ? simdKernels(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    // Tiny entries (prefill and scoring of short sequences): each output row as the float32 sum over k of
    // a[m, k] * b[k, :] in k order, what tfjs's loop computes for K <= 48 (its block), at SIMD speed (~8x).
    const [ai, bi, oi] = [a, b, out].map((t) => heapIndex(be, t) * 4);
    for (let e = 0; e < n; e++) {
      for (let m = 0; m < M; m++) simd.weightedSum(ai + (e * M + m) * K * 4, bi + e * K * N * 4, K, N * 4, oi + (e * M + m) * N * 4);
    }
    return out;
  }
  if (M * K * N < MIN_MACS_PER_ENTRY || n === 1) {
    // One call: XNNPACK when n = 1, the naive loop otherwise (cheaper than per-entry setup for tiny products).
    const ids = [a, b, out].map((t) => (be.dataIdMap.get(t.dataId) as { id: number }).id);
    xnnMatMul(ids[0], shapeBytes([n, M, K]), 3, ids[1], shapeBytes([n, K, N]), 3, 0, 0, ids[2]);
    return out;
  }
  const raw = be.wasm as unknown as Partial<RawExports>;
  const direct = typeof raw._BatchMatMul === 'function' && typeof raw._register_tensor === 'function' && typeof raw._dispose_data === 'function';
  let shapes = shapeScratch.get(be) ?? 0;
  if (direct && shapes === 0) {
    shapes = be.wasm._malloc(24);
    shapeScratch.set(be, shapes);
  }
  if (direct) {
    const heap32 = new Int32Array(be.wasm.HEAPF32.buffer, shapes, 6);
    heap32.set([1, M, K, 1, K, N]);
  }
  const aShape = shapeBytes([1, M, K]);
  const bShape = shapeBytes([1, K, N]);
  const aBase = be.dataIdMap.get(a.dataId)!.memoryOffset;
  const bBase = be.dataIdMap.get(b.dataId)!.memoryOffset;
  const oBase = be.dataIdMap.get(out.dataId)!.memoryOffset;
  const r = raw as RawExports;
  for (let i = 0; i < n; i++) {
    // Views into the operands, registered under fresh ids; disposing an id frees no memory, only the
    // XNNPACK operator cached for it.
    const ia = be.dataIdNextNumber++;
    const ib = be.dataIdNextNumber++;
    const io = be.dataIdNextNumber++;
    if (direct) {
      r._register_tensor(ia, M * K, aBase + i * M * K * 4);
      r._register_tensor(ib, K * N, bBase + i * K * N * 4);
      r._register_tensor(io, M * N, oBase + i * M * N * 4);
      r._BatchMatMul(ia, shapes, 3, ib, shapes + 12, 3, 0, 0, io);
      r._dispose_data(ia);
      r._dispose_data(ib);
      r._dispose_data(io);
    } else {
      be.wasm.tfjs.registerTensor(ia, M * K, aBase + i * M * K * 4);
      be.wasm.tfjs.registerTensor(ib, K * N, bBase + i * K * N * 4);
      be.wasm.tfjs.registerTensor(io, M * N, oBase + i * M * N * 4);
      xnnMatMul(ia, aShape, 3, ib, bShape, 3, 0, 0, io);
      be.wasm.tfjs.disposeData(ia);
      be.wasm.tfjs.disposeData(ib);
      be.wasm.tfjs.disposeData(io);
    }
  }
  return out;
};

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

let xnnFused: ((...args: unknown[]) => void) | null = null;
let xnnFusedOwner: unknown = null;

/**
 * a [M, K] @ b [K, N] (+ bias [N]) -> [M, N] in one XNNPACK call, through the binding of tfjs's own _FusedMatMul
 * kernel but without its op wrapper (a custom gradient, ~130 us on wasm) or the reshapes to 3-D around it.
 */
export const dense: KernelFunc = ({ inputs, backend }) => {
  const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  if (xnnFused === null || xnnFusedOwner !== be) {
    xnnFused = be.wasm.cwrap('_FusedMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
      'number',
      'number',
      'number',
      'number',
    ]);
    xnnFusedOwner = be;
  }
  const [M, K] = a.shape;
  const N = b.shape[1];
  const out = be.makeOutput([M, N], 'float32');
  const id = (t: TensorInfo): number => (be.dataIdMap.get(t.dataId) as { id: number }).id;
  const biasId = bias === undefined ? 0 : id(bias);
  const raw = (be.wasm as unknown as { __FusedMatMul?: unknown }).__FusedMatMul;
  if (typeof raw === 'function') {
    // The raw export behind the binding, with both shapes in the 24-byte scratch: no per-call array marshalling
    // (cwrap's 'array' arguments go through the stack, ~1-2 us per call, 17 calls per decoding step).
    let shapes = shapeScratch.get(be) ?? 0;
    if (shapes === 0) {
      shapes = be.wasm._malloc(24);
      shapeScratch.set(be, shapes);
    }
    new Int32Array(be.wasm.HEAPF32.buffer, shapes, 6).set([1, M, K, 1, K, N]);
    // activation 0 = linear; no prelu weights (0), leakyrelu alpha 0.
    (raw as (...args: number[]) => void)(id(a), shapes, 3, id(b), shapes + 12, 3, 0, 0, 0, biasId, 0, 0, id(out));
    return out;
  }
  xnnFused(id(a), shapeBytes([1, M, K]), 3, id(b), shapeBytes([1, K, N]), 3, 0, 0, 0, biasId, 0, 0, id(out));
  return out;
};
