/**
 * The wasm kernel set: tfjs-backend-wasm 4.22's heap and XNNPACK bindings used directly (wasm/), where tfjs's own
 * kernels are slow or an op costs more in dispatch than in arithmetic. This file and wasm/ are the only code in
 * the package that touches tfjs internals; `wasmKernels()` checks them first (wasm-internals.ts) and returns
 * null when they do not look as expected (a tfjs upgrade), and select-kernels.ts then falls back to the
 * reference set with one warning. Registrations with tfjs's global registry all happen in `register()` below.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../model/ops/register-gradients';
import { composedAttention, referenceKernels } from './reference-kernels';
import { runKernel as run } from './run-kernel';
import type { AdamWUpdate, DecodeAttentionInput, HeadDims, TransformerKernels } from './transformer-kernels';
import { simdKernels } from './wasm/simd-kernels';
import { SRL_DECODE_ATTENTION, SRL_DECODE_QKV, WASM_DECODE_KERNELS } from './wasm/wasm-decode-kernels';
import { SRL_JOIN_QKV, SRL_MERGE_HEADS, SRL_SPLIT_QKV, SRL_UNMERGE_HEADS, WASM_HEAD_KERNELS } from './wasm/wasm-head-kernels';
import { HeapDecoder } from './wasm/heap-decoder';
import { WasmInferenceOps } from './wasm/wasm-inference-ops';
import { trainKernelsApply, WASM_TRAIN_KERNELS } from './wasm/wasm-train-kernels';
import { fusedGelu, fusedMaskedSoftmax, fusedNorm } from './wasm/wasm-train-ops';
import { forgetPackedWeights, heapIndex, wasmInternals, type WasmInternals } from './wasm/wasm-internals';
import { product2dApplies, simdProductApplies } from './wasm/wasm-xnn-kernels';
import { slicing, splitting } from './wasm/wasm-slice-kernels';
import {
  SRL_BATCH_MATMUL,
  SRL_COLUMN_SUM,
  SRL_DENSE,
  SRL_GATHER_COLUMNS,
  SRL_GATHER_ROWS,
  SRL_PRODUCT_2D,
  SRL_TRANSPOSE,
  sharingIdentity,
  WASM_LAYOUT_KERNELS,
} from './wasm/wasm-layout-kernels';

const attrsOf = (d: HeadDims): tf.NamedAttrMap => ({ ...d }) as unknown as tf.NamedAttrMap;

let registered = false;

/**
 * Registers the package's wasm kernels and their gradients (names prefixed `Srl`, so nothing of tfjs's is
 * touched), once per process, plus three replacements of stock kernels on wasm. `Identity`: tfjs clones (runs
 * Identity on) every tensor a gradient saves, and wasm's Identity copies the buffer, a full copy of every saved
 * activation per train step (~10% of it). The replacement shares the buffer with a reference count, as the cpu
 * backend's Identity does; tensors are immutable, and the only in-place writes here (KV cache, AdamW) check that
 * no other tensor shares the buffer. `Slice` and `SplitV` give the same values without the stock kernels' copy
 * of the whole input and per-row views (wasm-slice-kernels.ts). They are process-wide because tfjs's kernel
 * registry is, and registered only when a wasm kernel set is created.
 */
function register(): void {
  if (registered) return;
  registered = true;
  for (const k of [...WASM_LAYOUT_KERNELS, ...WASM_HEAD_KERNELS, ...WASM_DECODE_KERNELS, ...WASM_TRAIN_KERNELS])
    if (tf.getKernel(k.kernelName, k.backendName) === undefined) tf.registerKernel(k);
  if (tf.getKernel('Identity', 'wasm') !== undefined) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharingIdentity });
  // Slice and SplitV copy within the heap (wasm-slice-kernels.ts); other dtypes go to the stock kernels.
  for (const [name, replace] of [
    ['Slice', slicing],
    ['SplitV', splitting],
  ] as const) {
    const stock = tf.getKernel(name, 'wasm');
    if (stock === undefined) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: replace(stock.kernelFunc) });
  }
  const grad = (kernelName: string, gradFunc: tf.GradConfig['gradFunc'], inputsToSave?: string[]): void => {
    if (tf.getGradient(kernelName) === undefined) tf.registerGradient({ kernelName, gradFunc, ...(inputsToSave ? { inputsToSave } : {}) });
  };
  // Transposed operands take tfjs-wasm's naive loop: a transposed right operand is made explicit, a transposed
  // left one is read through strides by the SIMD product where it applies (batchMatMulTA).
  grad(
    SRL_BATCH_MATMUL,
    (dy, [a, b], attrs) => {
      const [g, sa, sb] = [dy, a, b] as tf.Tensor3D[];
      if ((attrs as { transposeA?: boolean }).transposeA === true) {
        // y = aT b: da = b dyT, db = a dy
        return { a: () => kernels.batchMatMul(sb, kernels.transposeLast(g)), b: () => kernels.batchMatMul(sa, g) };
      }
      return { a: () => kernels.batchMatMul(g, kernels.transposeLast(sb)), b: () => batchMatMulTA(sa, g) };
    },
    ['a', 'b'],
  );
  grad(SRL_TRANSPOSE, (dy) => ({ x: () => kernels.transposeLast(dy as tf.Tensor3D) }));
  grad(SRL_SPLIT_QKV, (dy, _s, attrs) => {
    const [q, kT, v] = dy as tf.Tensor[];
    return { x: () => run(SRL_JOIN_QKV, { q, kT, v }, attrs) as tf.Tensor };
  });
  grad(SRL_JOIN_QKV, (dy, _s, attrs) => {
    const parts = (): tf.Tensor[] => run(SRL_SPLIT_QKV, { x: dy as tf.Tensor }, attrs) as tf.Tensor[];
    return { q: () => parts()[0], kT: () => parts()[1], v: () => parts()[2] };
  });
  grad(SRL_MERGE_HEADS, (dy, _s, attrs) => ({ x: () => run(SRL_UNMERGE_HEADS, { x: dy as tf.Tensor }, attrs) as tf.Tensor }));
  grad(SRL_UNMERGE_HEADS, (dy, _s, attrs) => ({ x: () => run(SRL_MERGE_HEADS, { x: dy as tf.Tensor }, attrs) as tf.Tensor }));
}

/** aT @ b for a [n, K, M], b [n, K, N]: the SIMD product reads a transposed where it applies, else a is transposed. */
function batchMatMulTA(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [n, K, M] = a.shape;
  if (a.dtype === 'float32' && b.dtype === 'float32' && simdProductApplies(be(), n, M, K, b.shape[2]))
    return run(SRL_BATCH_MATMUL, { a, b }, { transposeA: true }) as tf.Tensor3D;
  return kernels.batchMatMul(kernels.transposeLast(a), b);
}

/** The wasm heap of the active backend (checked when the set was created). */
function be(): WasmInternals {
  return wasmInternals(tf.backend()) as WasmInternals;
}

const kernels: TransformerKernels = {
  name: 'wasm',
  backend: 'wasm',

  /**
   * tfjs-wasm runs a transposed operand 10-50x slower (a naive loop): transposes are explicit (blocked SIMD).
   * The backward's aT @ b and a @ bT run on the SIMD product (SrlProduct2D; it reads a transposed for free,
   * and b as it is without XNNPACK's packing), where the output's width is a multiple of 4. Otherwise, XNNPACK
   * packs the right operand of every product anew when it is a fresh tensor, at ~4 ns per element (a strided
   * read), while the transpose costs ~1 ns: so the wider of a and b is transposed and the narrower packed.
   */
  matMul(a, b, transposeA = false, transposeB = false) {
    if (a.rank === 3 || (!transposeA && !transposeB)) return tf.matMul(a, b, transposeA, transposeB);
    if (transposeA && transposeB) return tf.matMul(kernels.transposeLast(a), kernels.transposeLast(b));
    // The backward's products (dx = dy @ wT, dw = xT @ dy) on the SIMD product (wasm/wasm-xnn-kernels.ts, product2d).
    const simd = a.dtype === 'float32' && b.dtype === 'float32' && a.size > 0 && b.size > 0;
    if (transposeB) {
      const bT = kernels.transposeLast(b);
      return simd && product2dApplies(be(), bT.shape[1]) ? (run(SRL_PRODUCT_2D, { a, b: bT }) as typeof a) : tf.matMul(a, bT);
    }
    if (simd && a.shape[0] === b.shape[0] && product2dApplies(be(), b.shape[1])) return run(SRL_PRODUCT_2D, { a, b }, { transposeA: true }) as typeof a;
    return a.shape[1] <= b.shape[1] ? kernels.transposeLast(tf.matMul(kernels.transposeLast(b), a)) : tf.matMul(kernels.transposeLast(a), b);
  },

  dense: (x, w, b) => run(SRL_DENSE, b === undefined ? { a: x, b: w } : { a: x, b: w, bias: b }) as tf.Tensor2D,

  transposeLast(x) {
    if (x.dtype !== 'float32') return referenceKernels.transposeLast(x);
    if (x.rank === 3) return run(SRL_TRANSPOSE, { x }) as typeof x;
    if (x.rank !== 2) throw new Error(`transposeLast: expected rank 2 or 3, got shape [${x.shape.join(', ')}]`);
    const [R, C] = x.shape;
    return tf.tidy(() => tf.reshape(run(SRL_TRANSPOSE, { x: tf.reshape(x, [1, R, C]) }) as tf.Tensor, [C, R])) as typeof x;
  },

  batchMatMul: (a, b) => run(SRL_BATCH_MATMUL, { a, b }) as tf.Tensor3D,

  columnSum: (x) => (x.dtype === 'float32' ? (run(SRL_COLUMN_SUM, { x }) as tf.Tensor1D) : referenceKernels.columnSum(x)),

  scatterAddRows: null, // tfjs-wasm has no UnsortedSegmentSum
  gatherRows: (table, rows) =>
    table.dtype === 'float32' ? (run(SRL_GATHER_ROWS, { x: table }, { rows }) as tf.Tensor2D) : referenceKernels.gatherRows(table, rows),

  gatherColumns: (table, columns) =>
    table.dtype === 'float32' ? (run(SRL_GATHER_COLUMNS, { x: table }, { columns }) as tf.Tensor2D) : referenceKernels.gatherColumns(table, columns),

  splitQkv(qkv, d) {
    const [q, kT, v] = run(SRL_SPLIT_QKV, { x: qkv }, attrsOf(d)) as tf.Tensor3D[];
    return { q, kT, v };
  },

  mergeHeads: (o, d) => tf.tidy(() => run(SRL_MERGE_HEADS, { x: tf.reshape(o, [d.B * d.H, d.T, d.D]) }, attrsOf(d)) as tf.Tensor2D),

  /** One SIMD kernel each way (wasm/wasm-train-ops.ts) where the sizes allow, else the reference op. */
  gelu: (x) => (x.dtype === 'float32' && trainKernelsApply(be(), x.size, 4) ? fusedGelu(x) : referenceKernels.gelu(x)),

  maskedAttention(q, kT, v, mask) {
    return composedAttention(this, q, kT, v, mask);
  },

  maskedSoftmax: (scores, mask) =>
    scores.dtype === 'float32' &&
    mask.dtype === 'float32' &&
    mask.shape[mask.rank - 2] === scores.shape[1] &&
    mask.shape[mask.rank - 1] === scores.shape[2] &&
    (mask.rank === 2 || scores.shape[0] % mask.shape[0] === 0) &&
    trainKernelsApply(be(), scores.size, scores.shape[2])
      ? fusedMaskedSoftmax(scores, mask)
      : referenceKernels.maskedSoftmax(scores, mask),

  norm(x, kind, w, b, eps) {
    if (x.dtype === 'float32' && trainKernelsApply(be(), x.size, x.shape[1])) return fusedNorm(x, kind, w, b, eps);
    return referenceKernels.norm.call(kernels, x, kind, w, b, eps);
  },

  inferenceOps: (config) => new WasmInferenceOps(config, kernels),

  /** ~2 kernels per layer instead of ~14: RoPE, scale and the cache write in one, attention over written slots only. */
  decodeAttention(input: DecodeAttentionInput): tf.Tensor2D {
    const { qkv, keys, values, positions, heads, rope } = input;
    // One object literal of fixed shape (no spreads): the kernel reads it once per call.
    const attrs = {
      H: heads.H,
      Hkv: heads.Hkv,
      D: heads.D,
      positions,
      scale: 1 / Math.sqrt(heads.D),
      qCos: rope?.qCos,
      qSin: rope?.qSin,
      kCos: rope?.kCos,
      kSin: rope?.kSin,
    };
    const q = run(SRL_DECODE_QKV, { qkv, keys, values }, attrs) as tf.Tensor; // [R*Hkv, G, D]
    return run(SRL_DECODE_ATTENTION, { q, keys, values }, { positions }) as tf.Tensor2D; // [R, H*D]
  },

  /** Decoding steps on the heap with no tfjs ops between the blocks (wasm/heap-decoder.ts), where SIMD and the exports allow. */
  decoder: (config) => HeapDecoder.create(be(), config),

  /** A copy straight onto the heap when no other tensor shares the variable's buffer (and its packed copy forgotten). */
  writeVariableInPlace(variable, data) {
    const b = be();
    if (b.refCount(variable.dataId) !== 1 || variable.dtype !== 'float32') return false;
    b.wasm.HEAPF32.set(data, heapIndex(b, variable));
    forgetPackedWeights(b, variable);
    return true;
  },

  optimizerLayout: 'per-parameter', // updated in place (adamwInPlace)
  // Attention widths that are multiples of 4, which the fused masked softmax needs (wasm/wasm-train-kernels.ts):
  // other widths fall back to 4 stock kernels each way. At most 3 padded positions per row.
  lengthBucket: 4,
  /** One SIMD pass per parameter instead of ~12 ops, when no other tensor shares these buffers. */
  adamwInPlace(u: AdamWUpdate) {
    const b = be();
    const simd = simdKernels(b.wasm.asm?.memory);
    if (simd === null || u.grad.dtype !== 'float32' || ![u.param, u.m, u.v].every((t) => b.refCount(t.dataId) === 1)) return false;
    const { beta1: b1, beta2: b2, eps, stepSize, sqrtBc2, decay } = u;
    const at = [u.param, u.grad, u.m, u.v].map((t) => heapIndex(b, t));
    const n = u.param.size;
    const body = n - (n % 4);
    if (body > 0) simd.adamw(at[0] * 4, at[1] * 4, at[2] * 4, at[3] * 4, body, b1, 1 - b1, b2, 1 - b2, 1 / sqrtBc2, eps, stepSize, decay);
    const heap = b.wasm.HEAPF32;
    for (let i = body; i < n; i++) {
      const gi = heap[at[1] + i];
      const mi = (heap[at[2] + i] = b1 * heap[at[2] + i] + (1 - b1) * gi);
      const vi = (heap[at[3] + i] = b2 * heap[at[3] + i] + (1 - b2) * gi * gi);
      heap[at[0] + i] = heap[at[0] + i] * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
    }
    forgetPackedWeights(b, u.param);
    return true;
  },
};

/**
 * The wasm kernel set when the active backend is wasm and its internals look as this package expects (and then
 * registers the kernels); otherwise why not.
 */
export function wasmKernels(): TransformerKernels | { unavailable: string; wrongBackend: boolean } {
  if (tf.getBackend() !== 'wasm') return { unavailable: `the active tfjs backend is ${tf.getBackend()}, not wasm`, wrongBackend: true };
  if (wasmInternals(tf.backend()) === null) {
    return {
      unavailable: 'the wasm backend does not expose the internals these kernels use (tfjs-backend-wasm 4.22: heap, dataIdMap, makeOutput, cwrap)',
      wrongBackend: false,
    };
  }
  register();
  return kernels;
}
