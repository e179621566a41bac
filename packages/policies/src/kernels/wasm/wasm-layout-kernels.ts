/**
 * Kernels for the tfjs `wasm` backend where its own are slow (measured with tfjs-backend-wasm 4.22 on one core):
 *
 * - BatchMatMul runs XNNPACK only for 2-D, untransposed operands (`SrlBatchMatMul`, in wasm-xnn-kernels.ts).
 * - Transpose of a 2-D/3-D tensor writes with a large stride; `SrlTranspose` swaps 4x4 blocks in WebAssembly
 *   SIMD (a blocked JavaScript copy when a side is not a multiple of 4).
 * - Identity (tf.clone, and every tensor a gradient saves) copies the buffer; here it shares it, as on cpu.
 * - Sum over axis 0 is a strided loop; `SrlColumnSum` reads rows in order.
 * - Gather of rows costs ~4 us per row; `SrlGatherRows` copies rows with `copyWithin` (70x), and
 *   `SrlGatherColumns` reads columns of a [C, V] table (a tied embedding stored as the output layer).
 *
 * These kernels read and write the backend's heap directly through its (untyped) internals (wasm-internals.ts);
 * wasm-kernels.ts registers them and checks those internals first. XNNPACK-calling kernels (SrlBatchMatMul,
 * SrlDense) are in wasm-xnn-kernels.ts.
 */
import type { DataId, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd-kernels';
import { heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';
import { batchMatMul, dense, product2d } from './wasm-xnn-kernels';

export const SRL_BATCH_MATMUL = 'SrlBatchMatMul';
export const SRL_TRANSPOSE = 'SrlTranspose';
export const SRL_GATHER_ROWS = 'SrlGatherRows';
export const SRL_GATHER_COLUMNS = 'SrlGatherColumns';
export const SRL_COLUMN_SUM = 'SrlColumnSum';
export const SRL_DENSE = 'SrlDense';
export const SRL_PRODUCT_2D = 'SrlProduct2D';

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
export const sharingIdentity: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as { incRef(dataId: DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** The kernels above, for the `wasm` backend (registered by wasm-kernels.ts). */
export const WASM_LAYOUT_KERNELS: KernelConfig[] = [
  { kernelName: SRL_DENSE, backendName: 'wasm', kernelFunc: dense },
  { kernelName: SRL_PRODUCT_2D, backendName: 'wasm', kernelFunc: product2d },
  { kernelName: SRL_COLUMN_SUM, backendName: 'wasm', kernelFunc: columnSum },
  { kernelName: SRL_BATCH_MATMUL, backendName: 'wasm', kernelFunc: batchMatMul },
  { kernelName: SRL_TRANSPOSE, backendName: 'wasm', kernelFunc: transpose },
  { kernelName: SRL_GATHER_ROWS, backendName: 'wasm', kernelFunc: gatherRows },
  { kernelName: SRL_GATHER_COLUMNS, backendName: 'wasm', kernelFunc: gatherColumns },
];
