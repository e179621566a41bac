/**
 * Product kernels on the wasm heap, on srl's SIMD product (simd-gemm.ts) or on tfjs-backend-wasm's XNNPACK
 * bindings, without the tfjs op around them:
 * - `SrlBatchMatMul`: tfjs runs XNNPACK only for 2-D, untransposed operands and batched products fall back to a
 *   naive loop (~2 GFLOP/s, 6x slower); this runs the SIMD product over the entries, or, without fused
 *   multiply-adds, XNNPACK for a single large product (once per batch entry on views of the operands where N is
 *   not a multiple of 4).
 * - `SrlDense`: x @ w + b in one call (the SIMD product where it has fused multiply-adds, else XNNPACK), without
 *   tf.fused.matMul's custom-gradient wrapper (~130 us per call on wasm) or the reshapes to 3-D around the kernel.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GEMM_PACK_B_MIN_ROWS, gemmFused, gemmScratchBytes, packedPanelsBytes, simdGemm, type SimdGemm } from './simd-gemm';
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
 * what allows its `transposeA`: N a multiple of 4, and batched (n > 1), or n = 1 with fewer multiply-adds than
 * XNNPACK's setup is worth, or any n with fused multiply-adds (then about 2x XNNPACK's wasm kernels). Without them
 * single large products stay with XNNPACK.
 */
export function simdProductApplies(backend: WasmInternals, n: number, M: number, K: number, N: number): boolean {
  const size = M * K * N;
  return size > 0 && N % 4 === 0 && (n > 1 || size < MIN_MACS_PER_ENTRY || gemmFused()) && simdGemm(backend.wasm.asm?.memory) !== null;
}

/** The gemm's scratch per backend: one block from malloc, replaced by a larger one when a product needs more. */
const gemmScratch = new WeakMap<object, { pointer: number; bytes: number }>();

/** A 16-byte aligned byte address of at least `bytes` free bytes on the heap, kept for the next products. */
function scratchFor(be: WasmInternals, bytes: number): number {
  let block = gemmScratch.get(be);
  if (block === undefined || block.bytes < bytes) {
    if (block !== undefined) be.wasm._free(block.pointer);
    const size = Math.max(bytes, 2 * (block?.bytes ?? 0), 1 << 16);
    block = { pointer: be.wasm._malloc(size + 16), bytes: size };
    gemmScratch.set(be, block);
  }
  return (block.pointer + 15) & ~15;
}

/** Whether a product with M rows packs b first (the same bits either way). */
const packB = (M: number): number => (M >= GEMM_PACK_B_MIN_ROWS ? 1 : 0);

/** Bytes of packed b per block of k: its rows stay in L2 while every group of four rows of a runs over them. */
const PACKED_B_BLOCK_BYTES = 512 * 1024;

/**
 * a [M, K] @ b [K, N] (+ out when accumulating) into out, byte addresses, a's element (m, k) at a + m*aRow + k*aCol:
 * the SIMD product in blocks of k whose packed b fits PACKED_B_BLOCK_BYTES, each summed into the output (the
 * same bits as one pass: every tile continues its sum from the output).
 */
function product(
  be: WasmInternals,
  a: number,
  b: number,
  out: number,
  M: number,
  K: number,
  N: number,
  aRow: number,
  aCol: number,
  accumulate: boolean,
  packed = -1,
): void {
  const gemm = simdGemm(be.wasm.asm?.memory) as SimdGemm;
  const block = kBlock(K, N);
  const scratch = scratchFor(be, gemmScratchBytes(block, N));
  for (let k0 = 0, at = packed; k0 < K; k0 += block) {
    const kb = Math.min(block, K - k0);
    const from = accumulate || k0 > 0 ? -1 : 0;
    if (packed < 0) gemm.gemm(a + k0 * aCol, b + k0 * N * 4, out, 1, M, kb, 4 * N, aRow, aCol, 0, 0, from, scratch, packB(M));
    else {
      gemm.gemm(a + k0 * aCol, at, out, 1, M, kb, 4 * N, aRow, aCol, 0, 0, from, scratch, 2);
      at += packedPanelsBytes(kb, N);
    }
  }
}

/** The rows of k per block of `product`: a block of b packed into panels fits PACKED_B_BLOCK_BYTES. */
const kBlock = (K: number, N: number): number => Math.min(K, Math.max(16, Math.floor(PACKED_B_BLOCK_BYTES / (4 * Math.ceil(N / 8) * 8))));

/** Bytes of w [K, N] packed for `denseOnHeap` (`packDense`): its blocks of k one after the other, as one packing of all K rows. */
export const packedDenseBytes = (K: number, N: number): number => packedPanelsBytes(K, N);

/**
 * Packs w [K, N] (float index on the heap) at byte address dst (16-byte aligned, `packedDenseBytes(K, N)` bytes):
 * each of `product`'s blocks of k as the gemm packs it, one block after the other. `denseOnHeap` with `packed`
 * then reads these panels instead of packing w again on every call (a decoding step's products, the same weights
 * every step), with the same bits.
 */
export function packDense(be: WasmInternals, w: number, dst: number, K: number, N: number): void {
  const gemm = simdGemm(be.wasm.asm?.memory) as SimdGemm;
  const block = kBlock(K, N);
  for (let k0 = 0, at = dst; k0 < K; k0 += block) {
    const kb = Math.min(block, K - k0);
    gemm.packPanels((w + k0 * N) * 4, at, kb, 4 * N);
    at += packedPanelsBytes(kb, N);
  }
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
    // Tiles of 4 x 8 over k in order, without XNNPACK's per-entry operator setup (2-3x on attention's products).
    const [ai, bi, oi] = [a, b, out].map((t) => heapIndex(be, t) * 4);
    const [aRow, aCol] = transposeA ? [4, 4 * M] : [4 * K, 4];
    if (n === 1) product(be, ai, bi, oi, M, K, N, aRow, aCol, false);
    else {
      const scratch = scratchFor(be, gemmScratchBytes(K, N));
      (simdGemm(be.wasm.asm?.memory) as SimdGemm).gemm(ai, bi, oi, n, M, K, 4 * N, aRow, aCol, 4 * M * K, 4 * K * N, 0, scratch, packB(M));
    }
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
 * on the SIMD product, where `product2dApplies`: a is read through strides while it is packed, so a transposed
 * left operand costs nothing, and b (activations and transposed weights in the backward, fresh every call) is
 * packed once per block of k.
 */
export const product2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const transposeA = (attrs as { transposeA?: boolean } | undefined)?.transposeA === true;
  const be = wasmInternals(backend) as WasmInternals;
  const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const N = b.shape[1];
  const out = be.makeOutput([M, N], 'float32');
  const [ai, bi, oi] = [a, b, out].map((t) => heapIndex(be, t) * 4);
  if (transposeA) product(be, ai, bi, oi, M, K, N, 4, 4 * M, false);
  else product(be, ai, bi, oi, M, K, N, 4 * K, 4, false);
  return out;
};

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * Whether `SrlDense` runs on the SIMD product rather than XNNPACK: where it has fused multiply-adds (about 2x
 * XNNPACK's wasm kernels, which multiply and add separately). Never by row count: a row's result must not depend
 * on the other rows of the call (a prompt's samples do not depend on the other prompts of a generate call).
 */
export function denseOnSimdProduct(be: WasmInternals, N: number): boolean {
  return N % 4 === 0 && gemmFused() && simdGemm(be.wasm.asm?.memory) !== null;
}

/**
 * x [M, K] @ w [K, N] (+ bias [N]) into out, float indices on the heap (bias -1: none), on the SIMD product where
 * `denseOnSimdProduct`: every output row starts as the bias and the product is summed into it. SrlDense and the
 * heap decoder's linear layers both run this, so decoding gives the same bits as a forward pass. `packed` (a byte
 * address, -1: none): w as `packDense` packed it, read in place of packing w where this product would pack it
 * (from GEMM_PACK_B_MIN_ROWS rows); the same bits.
 */
export function denseOnHeap(be: WasmInternals, x: number, M: number, K: number, N: number, w: number, bias: number, out: number, packed = -1): void {
  if (M === 0) return; // no rows: nothing to write (the bias fill would write past an empty output)
  if (bias >= 0) {
    const heap = be.wasm.HEAPF32;
    heap.set(heap.subarray(bias, bias + N), out);
    for (let filled = 1; filled < M; filled *= 2) heap.copyWithin(out + filled * N, out, out + Math.min(filled, M - filled) * N);
  }
  product(be, x * 4, w * 4, out * 4, M, K, N, 4 * K, 4, bias >= 0, packB(M) === 1 ? packed : -1);
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
  if (denseOnSimdProduct(be, N)) {
    denseOnHeap(be, heapIndex(be, a), M, K, N, heapIndex(be, b), bias === undefined ? -1 : heapIndex(be, bias), heapIndex(be, out));
    return out;
  }
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
