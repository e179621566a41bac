/**
 * Fused training kernels for the tfjs `wasm` backend (the SIMD routines of simd-train-kernels.ts on the heap):
 * - `SrlGelu` / `SrlGeluGrad`: GPT-2's GELU and its gradient, one pass each instead of ~7 stock kernels; the
 *   gradient recomputes the sigmoid from x, so the forward saves x only (the reference saves x, x^2, s).
 * - `SrlNormTrain` / `SrlNormGrad`: LayerNorm or RMSNorm over rows [R, C] -> [y, xhat, rstd [R]], and its
 *   gradient (g, xhat, rstd, w) -> [dx, dw, db] with the weight and bias gradients summed in the same pass
 *   (row order, as `SrlColumnSum`), instead of ~10 stock kernels each way.
 * - `SrlMaskedSoftmax` / `SrlSoftmaxGrad`: attention's softmax(scores + mask) over rows (the mask [R, S] broadcast
 *   over the leading axis of the scores [n, R, S], or [B, R, S], each shared by n / B entries) and its gradient, one pass per row each way instead of 2 + 4.
 * Callers check `trainKernelsApply` first (SIMD available, sizes multiples of 4); wasm-kernels.ts registers these.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { simdRowKernels, type SimdRowKernels } from './simd-row-kernels';
import { simdTrainKernels, type SimdTrainKernels } from './simd-train-kernels';
import { heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';

export const SRL_GELU = 'SrlGelu';
export const SRL_GELU_GRAD = 'SrlGeluGrad';
export const SRL_NORM_TRAIN = 'SrlNormTrain';
export const SRL_NORM_GRAD = 'SrlNormGrad';
export const SRL_MASKED_SOFTMAX = 'SrlMaskedSoftmax';
export const SRL_SOFTMAX_GRAD = 'SrlSoftmaxGrad';

const f32 = Math.fround;

/** Whether these kernels run for `size` elements in rows of `width` (SIMD compiled, both multiples of 4). */
export function trainKernelsApply(backend: WasmInternals, size: number, width: number): boolean {
  const memory = backend.wasm.asm?.memory;
  return size > 0 && size % 4 === 0 && width % 4 === 0 && simdTrainKernels(memory) !== null && simdRowKernels(memory) !== null;
}

const simdOf = (be: WasmInternals): SimdTrainKernels => simdTrainKernels(be.wasm.asm?.memory) as SimdTrainKernels;
const simdRowsOf = (be: WasmInternals): SimdRowKernels => simdRowKernels(be.wasm.asm?.memory) as SimdRowKernels;
const bytesOf = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1) * 4;

const gelu: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput(x.shape, 'float32');
  simdOf(be).geluForward(heapIndex(be, x) * 4, heapIndex(be, out) * 4, bytesOf(x));
  return out;
};

const geluGrad: KernelFunc = ({ inputs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput(x.shape, 'float32');
  simdOf(be).geluBackward(heapIndex(be, x) * 4, heapIndex(be, dy) * 4, heapIndex(be, out) * 4, bytesOf(x));
  return out;
};

/** x [R, C], w [C], b [C] (LayerNorm only) -> [y, xhat, rstd [R]]; attrs kind, eps. */
const normTrain: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, w, b } = inputs as { x: TensorInfo; w: TensorInfo; b?: TensorInfo };
  const { kind, eps } = attrs as unknown as { kind: 'layernorm' | 'rmsnorm'; eps: number };
  const be = wasmInternals(backend) as WasmInternals;
  const [R, C] = x.shape;
  const [y, xhat, rstd] = [be.makeOutput([R, C], 'float32'), be.makeOutput([R, C], 'float32'), be.makeOutput([R], 'float32')];
  const simd = simdOf(be);
  const row = simdRowsOf(be);
  const [xi, wi, yi, hi, ri] = [x, w, y, xhat, rstd].map((t) => heapIndex(be, t));
  const bi = b === undefined || kind === 'rmsnorm' ? -1 : heapIndex(be, b);
  const heap = be.wasm.HEAPF32;
  for (let r = 0; r < R; r++) {
    const at = (xi + r * C) * 4;
    const mean = kind === 'rmsnorm' ? 0 : f32(row.sum(at, C * 4) / C);
    const s = f32(1 / Math.sqrt(f32(f32(row.sumSqDev(at, C * 4, mean) / C) + eps)));
    heap[ri + r] = s;
    const [h, o] = [(hi + r * C) * 4, (yi + r * C) * 4];
    if (bi < 0) simd.normRow(at, wi * 4, h, o, C * 4, mean, s);
    else simd.normRowBias(at, wi * 4, bi * 4, h, o, C * 4, mean, s);
  }
  return [y, xhat, rstd];
};

/** g [R, C], xhat [R, C], rstd [R], w [C] -> [dx, dw, db] (db zeros' sum for RMSNorm: unused); attrs kind. */
const normGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { g, xhat, rstd, w } = inputs as { g: TensorInfo; xhat: TensorInfo; rstd: TensorInfo; w: TensorInfo };
  const { kind } = attrs as unknown as { kind: 'layernorm' | 'rmsnorm' };
  const be = wasmInternals(backend) as WasmInternals;
  const [R, C] = g.shape;
  const [dx, dw, db] = [be.makeOutput([R, C], 'float32'), be.makeOutput([C], 'float32'), be.makeOutput([C], 'float32')];
  const [gi, hi, ri, wi, xi, dwi, dbi] = [g, xhat, rstd, w, dx, dw, db].map((t) => heapIndex(be, t));
  const heap = be.wasm.HEAPF32;
  heap.fill(0, dwi, dwi + C);
  heap.fill(0, dbi, dbi + C);
  const simd = simdOf(be);
  const center = kind === 'rmsnorm' ? 0 : 1;
  for (let r = 0; r < R; r++) {
    const o = r * C * 4;
    simd.normGradRow(gi * 4 + o, hi * 4 + o, wi * 4, xi * 4 + o, dwi * 4, dbi * 4, C * 4, heap[ri + r], 1 / C, center);
  }
  return [dx, dw, db];
};

/** x [n, R, S], mask [R, S] (or [B, R, S]: entry e of x takes mask floor(e / (n / B))) -> softmax(x + mask) over the last axis. */
const maskedSoftmax: KernelFunc = ({ inputs, backend }) => {
  const { x, mask } = inputs as { x: TensorInfo; mask: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const [n, R, S] = x.shape;
  const perMask = mask.shape.length === 3 ? n / mask.shape[0] : n;
  const out = be.makeOutput(x.shape, 'float32');
  const [xi, mi, oi] = [x, mask, out].map((t) => heapIndex(be, t) * 4);
  const simd = simdOf(be);
  for (let e = 0; e < n; e++) {
    const m = mi + Math.floor(e / perMask) * R * S * 4;
    for (let r = 0; r < R; r++) simd.softmaxRow(xi + (e * R + r) * S * 4, m + r * S * 4, oi + (e * R + r) * S * 4, S * 4);
  }
  return out;
};

/** y = softmax(...) and dy, both [..., S] -> dy y - sum(dy y) y per row. */
const softmaxGrad: KernelFunc = ({ inputs, backend }) => {
  const { y, dy } = inputs as { y: TensorInfo; dy: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const S = y.shape[y.shape.length - 1];
  const rows = y.shape.reduce((a, b) => a * b, 1) / S;
  const out = be.makeOutput(y.shape, 'float32');
  const [yi, di, oi] = [y, dy, out].map((t) => heapIndex(be, t) * 4);
  const simd = simdOf(be);
  for (let r = 0; r < rows; r++) simd.softmaxGradRow(yi + r * S * 4, di + r * S * 4, oi + r * S * 4, S * 4);
  return out;
};

/** The kernels above, for the `wasm` backend (registered by wasm-kernels.ts). */
export const WASM_TRAIN_KERNELS: KernelConfig[] = [
  { kernelName: SRL_GELU, backendName: 'wasm', kernelFunc: gelu },
  { kernelName: SRL_GELU_GRAD, backendName: 'wasm', kernelFunc: geluGrad },
  { kernelName: SRL_NORM_TRAIN, backendName: 'wasm', kernelFunc: normTrain },
  { kernelName: SRL_NORM_GRAD, backendName: 'wasm', kernelFunc: normGrad },
  { kernelName: SRL_MASKED_SOFTMAX, backendName: 'wasm', kernelFunc: maskedSoftmax },
  { kernelName: SRL_SOFTMAX_GRAD, backendName: 'wasm', kernelFunc: softmaxGrad },
];
