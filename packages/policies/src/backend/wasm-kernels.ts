/**
 * Kernels for the tfjs `wasm` backend where its own are slow (measured with tfjs-backend-wasm 4.22 on one core):
 *
 * - BatchMatMul runs XNNPACK only for 2-D, untransposed operands; batched products fall back to a naive loop
 *   (~2 GFLOP/s, 6x slower). `SrlBatchMatMul` runs XNNPACK once per batch entry on views of the operands.
 * - Transpose of a 2-D/3-D tensor writes with a large stride; `SrlTranspose` swaps 4x4 blocks in WebAssembly
 *   SIMD (a blocked JavaScript copy when a side is not a multiple of 4).
 * - Identity (tf.clone, and every tensor a gradient saves) copies the buffer; here it shares it, as on cpu.
 * - Sum over axis 0 is a strided loop; `SrlColumnSum` reads rows in order.
 * - Gather of rows costs ~4 us per row; `SrlGatherRows` copies rows with `copyWithin` (70x), and
 *   `SrlGatherColumns` reads columns of a [C, V] table (a tied embedding stored as the output layer).
 *
 * These kernels read and write the backend's heap directly through its (untyped) internals. `wasmInternals`
 * checks that the internals look as expected and otherwise returns null, and every caller then falls back to the
 * stock tfjs op, so a future tfjs that changes them degrades in speed, not in correctness.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels, type WasmMemory } from './simd/simd-kernels';

/** What these kernels use of `BackendWasm` (tfjs-backend-wasm 4.22). */
export interface WasmInternals {
  wasm: {
    HEAPF32: Float32Array;
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Emscripten's exports; `memory` is the heap's WebAssembly.Memory. */
    asm?: { memory?: WasmMemory };
  };
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** How many tensors share a buffer (reshapes and clones share). */
  refCount(dataId: DataId): number;
}

export const SRL_BATCH_MATMUL = 'SrlBatchMatMul';
export const SRL_TRANSPOSE = 'SrlTranspose';
export const SRL_GATHER_ROWS = 'SrlGatherRows';
export const SRL_GATHER_COLUMNS = 'SrlGatherColumns';
export const SRL_COLUMN_SUM = 'SrlColumnSum';
export const SRL_DENSE = 'SrlDense';

const checked = new WeakMap<object, WasmInternals | null>();

/** The wasm backend's internals when the active backend is `wasm` and they look as expected; otherwise null. */
export function wasmInternals(backend: unknown = tf.getBackend() === 'wasm' ? tf.backend() : null): WasmInternals | null {
  if (backend === null || typeof backend !== 'object') return null;
  let found = checked.get(backend);
  if (found === undefined) {
    const b = backend as Partial<WasmInternals>;
    const ok =
      b.wasm !== undefined &&
      b.wasm.HEAPF32 instanceof Float32Array &&
      typeof b.wasm.cwrap === 'function' &&
      typeof b.wasm.tfjs?.registerTensor === 'function' &&
      typeof b.wasm.tfjs?.disposeData === 'function' &&
      typeof b.wasm._malloc === 'function' &&
      typeof b.wasm._free === 'function' &&
      typeof b.dataIdMap?.get === 'function' &&
      typeof b.dataIdNextNumber === 'number' &&
      typeof b.makeOutput === 'function' &&
      typeof b.refCount === 'function';
    found = ok ? (b as WasmInternals) : null;
    checked.set(backend, found);
  }
  return found;
}

/**
 * After writing into a tensor's buffer in place: XNNPACK caches packed weights by tensor id, so re-registering
 * the id drops anything cached for it.
 */
export function forgetPackedWeights(backend: WasmInternals, t: TensorInfo): void {
  const data = backend.dataIdMap.get(t.dataId) as { id: number; memoryOffset: number };
  backend.wasm.tfjs.disposeData(data.id);
  backend.wasm.tfjs.registerTensor(data.id, t.shape.reduce((a, b) => a * b, 1), data.memoryOffset);
}

/** Float offset (index into HEAPF32) of a tensor's data. */
export function heapIndex(backend: WasmInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('wasm kernel: tensor data not found on the wasm backend');
  return data.memoryOffset >>> 2;
}

let xnnMatMul: ((...args: unknown[]) => void) | null = null;
let xnnMatMulOwner: unknown = null;

/** Below this many multiply-adds per batch entry, XNNPACK's operator setup costs more than the naive loop. */
const MIN_MACS_PER_ENTRY = 16384;

/** The raw exports behind tfjs's own bindings (what `cwrap` wraps), called directly in the per-entry loop. */
interface RawExports {
  _BatchMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number, transposeA: number, transposeB: number, outId: number): void;
  _register_tensor(id: number, size: number, offset: number): void;
  _dispose_data(id: number): void;
}

/** Two int32[3] shape arrays on the heap per backend instance (allocated once, never freed: 24 bytes). */
const shapeScratch = new WeakMap<object, number>();

/** a [n, M, K] @ b [n, K, N] -> [n, M, N]; float32, contiguous, no transposes, no broadcasting. */
const batchMatMul: KernelFunc = ({ inputs, backend }) => {
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

const BLOCK = 32;

/** x [n, R, C] -> [n, C, R] (the last two axes swapped); float32. */
const transpose: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const [n, R, C] = x.shape;
  const out = be.makeOutput([n, C, R], 'float32');
  const xBase = heapIndex(be, x);
  const oBase = heapIndex(be, out);
  const simd = R % 4 === 0 && C % 4 === 0 && n * R * C > 0 ? simdKernels(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    simd.transpose(xBase * 4, oBase * 4, n, R, C);
    return out;
  }
  const heap = be.wasm.HEAPF32;
  for (let m = 0; m < n; m++) {
    const xo = xBase + m * R * C;
    const oo = oBase + m * R * C;
    for (let r0 = 0; r0 < R; r0 += BLOCK) {
      const r1 = Math.min(R, r0 + BLOCK);
      for (let c0 = 0; c0 < C; c0 += BLOCK) {
        const c1 = Math.min(C, c0 + BLOCK);
        for (let r = r0; r < r1; r++) {
          let src = xo + r * C + c0;
          let dst = oo + c0 * R + r;
          for (let c = c0; c < c1; c++) {
            heap[dst] = heap[src];
            src++;
            dst += R;
          }
        }
      }
    }
  }
  return out;
};

/** Rows `attrs.rows` (an Int32Array) of x [V, C] -> [rows.length, C]; float32. Throws on an out-of-range row. */
const gatherRows: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const rows = (attrs as unknown as { rows: Int32Array }).rows;
  const be = wasmInternals(backend) as WasmInternals;
  const [V, C] = x.shape;
  for (const r of rows) if (!(r >= 0 && r < V)) throw new RangeError(`gatherRows: row ${r} is outside [0, ${V})`);
  const out = be.makeOutput([rows.length, C], 'float32');
  const heap = be.wasm.HEAPF32;
  const xBase = heapIndex(be, x);
  const oBase = heapIndex(be, out);
  for (let i = 0; i < rows.length; i++) heap.copyWithin(oBase + i * C, xBase + rows[i] * C, xBase + rows[i] * C + C);
  return out;
};

/** Columns `attrs.columns` (an Int32Array) of x [C, V], as rows: -> [columns.length, C]; float32. */
const gatherColumns: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const columns = (attrs as unknown as { columns: Int32Array }).columns;
  const be = wasmInternals(backend) as WasmInternals;
  const [C, V] = x.shape;
  for (const col of columns) if (!(col >= 0 && col < V)) throw new RangeError(`gatherColumns: column ${col} is outside [0, ${V})`);
  const out = be.makeOutput([columns.length, C], 'float32');
  const heap = be.wasm.HEAPF32;
  const xBase = heapIndex(be, x);
  const oBase = heapIndex(be, out);
  for (let i = 0; i < columns.length; i++) {
    let src = xBase + columns[i];
    const dst = oBase + i * C;
    for (let c = 0; c < C; c++, src += V) heap[dst + c] = heap[src];
  }
  return out;
};

let xnnFused: ((...args: unknown[]) => void) | null = null;
let xnnFusedOwner: unknown = null;

/**
 * a [M, K] @ b [K, N] (+ bias [N]) -> [M, N] in one XNNPACK call, through the binding of tfjs's own _FusedMatMul
 * kernel but without its op wrapper (a custom gradient, ~130 us on wasm) or the reshapes to 3-D around it.
 */
const dense: KernelFunc = ({ inputs, backend }) => {
  const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  if (xnnFused === null || xnnFusedOwner !== be) {
    xnnFused = be.wasm.cwrap('_FusedMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number']);
    xnnFusedOwner = be;
  }
  const [M, K] = a.shape;
  const N = b.shape[1];
  const out = be.makeOutput([M, N], 'float32');
  const id = (t: TensorInfo): number => (be.dataIdMap.get(t.dataId) as { id: number }).id;
  // activation 0 = linear; no prelu weights (0), leakyrelu alpha 0.
  xnnFused(id(a), shapeBytes([1, M, K]), 3, id(b), shapeBytes([1, K, N]), 3, 0, 0, 0, bias === undefined ? 0 : id(bias), 0, 0, id(out));
  return out;
};

/**
 * Column sums of x [N, C] -> [C], rows read in order (tfjs's Sum over axis 0 is a strided loop): WebAssembly SIMD
 * with float32 accumulators when C is a multiple of 4, else JavaScript with float64 ones.
 */
const columnSum: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const [N, C] = x.shape;
  const out = be.makeOutput([C], 'float32');
  const xBase = heapIndex(be, x);
  const simd = C % 4 === 0 && C > 0 && N > 0 ? simdKernels(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    simd.columnSum(xBase * 4, N, C * 4, heapIndex(be, out) * 4);
    return out;
  }
  const heap = be.wasm.HEAPF32;
  const acc = new Float64Array(C);
  for (let r = 0; r < N; r++) {
    const row = xBase + r * C;
    for (let c = 0; c < C; c++) acc[c] += heap[row + c];
  }
  heap.set(acc, heapIndex(be, out));
  return out;
};

/**
 * Identity that shares the input's buffer (reference-counted), as the cpu backend's does, instead of copying
 * it: tfjs clones every tensor a gradient saves, and on wasm each clone was a full copy. Tensors are immutable,
 * so sharing is safe; the only in-place writes in this package (the KV cache) never touch a cloned tensor.
 */
const identity: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as { incRef(dataId: DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

const KERNELS: KernelConfig[] = [
  { kernelName: SRL_DENSE, backendName: 'wasm', kernelFunc: dense },
  { kernelName: SRL_COLUMN_SUM, backendName: 'wasm', kernelFunc: columnSum },
  { kernelName: SRL_BATCH_MATMUL, backendName: 'wasm', kernelFunc: batchMatMul },
  { kernelName: SRL_TRANSPOSE, backendName: 'wasm', kernelFunc: transpose },
  { kernelName: SRL_GATHER_ROWS, backendName: 'wasm', kernelFunc: gatherRows },
  { kernelName: SRL_GATHER_COLUMNS, backendName: 'wasm', kernelFunc: gatherColumns },
];

let identityReplaced = false;
let registered = false;

/** Registers the kernels above for the `wasm` backend (idempotent), and the sharing Identity. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of KERNELS) if (tf.getKernel(k.kernelName, k.backendName) === undefined) tf.registerKernel(k);
  if (!identityReplaced && tf.getKernel('Identity', 'wasm') !== undefined) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity });
    identityReplaced = true;
  }
}

/** True when the active backend is wasm with the expected internals, so the kernels above can run. */
export function useWasmKernels(): boolean {
  if (tf.getBackend() !== 'wasm' || wasmInternals() === null) return false;
  registerWasmKernels();
  return true;
}
