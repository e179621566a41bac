/**
 * Kernels that call tfjs-backend-wasm's XNNPACK bindings without the tfjs op around them:
 * - `SrlBatchMatMul`: tfjs runs XNNPACK only for 2-D, untransposed operands and batched products fall back to a
 *   naive loop (~2 GFLOP/s, 6x slower); this runs the SIMD product of simd-gemm.ts over the entries, or XNNPACK
 *   for a single large product (once per batch entry on views of the operands where N is not a multiple of 4).
 * - `SrlDense`: x @ w + b in one XNNPACK call, without tf.fused.matMul's custom-gradient wrapper (~130 us per
 *   call on wasm) or the reshapes to 3-D around the kernel.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdGemm, type SimdGemm } from './simd-gemm';
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

/**
 * Whether `SrlBatchMatMul` runs n products of [*, K] x [K, N] with the SIMD product (simd-gemm.ts), which is also
 * what allows its `transposeA`: batched (n > 1) with N a multiple of 4, or n = 1 with fewer multiply-adds than
 * XNNPACK's setup is worth. Single large products stay with XNNPACK (it blocks for the caches).
 */
export function simdProductApplies(backend: WasmInternals, n: number, M: number, K: number, N: number): boolean {
  const size = M * K * N;
  return size > 0 && N % 4 === 0 && (n > 1 || size < MIN_MACS_PER_ENTRY) && simdGemm(backend.wasm.asm?.memory) !== null;
}

/**
 * a [n, M, K] @ b [n, K, N] -> [n, M, N], or with `attrs.transposeA` a [n, K, M] read as its transpose (only where
 * `simdProductApplies`); float32, contiguous, no broadcasting.
 */
export const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const transposeA = (attrs as { transposeA?: boolean } | undefined)?.transposeA === true;
  const be = wasmInternals(backend) as WasmInternals;
  const [n, M, K] = transposeA ? [a.shape[0], a.shape[2], a.shape[1]] : a.shape;
  const N = b.shape[2];
  const out = be.makeOutput([n, M, N], 'float32');
  if (simdProductApplies(be, n, M, K, N)) {
    // Eight f32x4 accumulators per 32 output columns, k in order (the sum XNNPACK's kernels form, at its speed
    // without its per-entry operator setup and packing: 2-3x on attention's products).
    const [ai, bi, oi] = [a, b, out].map((t) => heapIndex(be, t) * 4);
    const [aRow, aCol] = transposeA ? [4, 4 * M] : [4 * K, 4];
    (simdGemm(be.wasm.asm?.memory) as SimdGemm).gemm(ai, bi, oi, n, M, K, 4 * N, aRow, aCol, 4 * M * K, 4 * K * N, 0, 4 * N);
    return out;
  }
  if (transposeA) throw new Error(`SrlBatchMatMul: transposeA needs the SIMD product (n ${n}, [${M}, ${K}] x [${K}, ${N}])`);
  if (xnnMatMul === null || xnnMatMulOwner !== be) {
    // Same signature as tfjs-backend-wasm's own BatchMatMul binding.
    xnnMatMul = be.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    xnnMatMulOwner = be;
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

/** Whether `SrlProduct2D` runs a product with a right operand [K, N] here (N a multiple of 4, SIMD compiled). */
export function product2dApplies(backend: WasmInternals, N: number): boolean {
  return N > 0 && N % 4 === 0 && simdGemm(backend.wasm.asm?.memory) !== null;
}

/**
 * a [M, K] @ b [K, N], or with `attrs.transposeA` aT @ b for a [K, M] (a weight gradient xT @ dy, K the tokens),
 * on the SIMD product, where `product2dApplies`. It reads b as it is, without the packing XNNPACK does for every
 * fresh right operand (activations and transposed weights in the backward), and a transposed for free; aT @ b
 * runs in blocks of k rows sized so that a block of b (~16 KB) stays in L1, each block summed into the output
 * (the same sums over k in order). Measured on [1024, 128..512] operands against transpose + XNNPACK: aT @ b
 * 5-25% faster, a @ bT (with b transposed explicitly, a weight) 2-10%.
 */
export const product2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const transposeA = (attrs as { transposeA?: boolean } | undefined)?.transposeA === true;
  const be = wasmInternals(backend) as WasmInternals;
  const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const N = b.shape[1];
  const out = be.makeOutput([M, N], 'float32');
  const gemm = simdGemm(be.wasm.asm?.memory) as SimdGemm;
  const [ai, bi, oi] = [a, b, out].map((t) => heapIndex(be, t) * 4);
  if (!transposeA) {
    gemm.gemm(ai, bi, oi, 1, M, K, 4 * N, 4 * K, 4, 0, 0, 0, 4 * N);
    return out;
  }
  const block = Math.min(64, Math.max(16, Math.floor(4096 / N)));
  for (let k0 = 0; k0 < K; k0 += block) {
    gemm.gemm(ai + k0 * M * 4, bi + k0 * N * 4, oi, 1, M, Math.min(block, K - k0), 4 * N, 4, 4 * M, 0, 0, k0 === 0 ? 0 : -1, 4 * N);
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
