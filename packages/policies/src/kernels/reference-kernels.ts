/**
 * The reference kernel set: tfjs-core's public ops only, so it runs on every backend (wasm, cpu, tensorflow) and
 * is what a fast set is compared with (kernels.test.ts). Inference runs the differentiable blocks, the KV cache is
 * written functionally, and AdamW uses tf ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../model/ops/register-gradients';
import { gelu } from '../model/ops/gelu';
import { layerNorm, rmsNorm } from '../model/ops/norms';
import type { HeadDims, TransformerKernels } from './transformer-kernels';

/** softmax(q kT + mask) v from a kernel set's products and masked softmax (`TransformerKernels.maskedAttention`). */
export function composedAttention(k: TransformerKernels, q: tf.Tensor3D, kT: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D {
  return k.batchMatMul(k.maskedSoftmax(k.batchMatMul(q, kT), mask), v);
}

export const referenceKernels: TransformerKernels = {
  name: 'reference',
  backend: null,

  matMul: (a, b, transposeA = false, transposeB = false) => tf.matMul(a, b, transposeA, transposeB),

  dense(x, w, b) {
    if (b === undefined) return tf.matMul(x, w);
    return tf.tidy(() => {
      // The fused kernel tf.fused.matMul runs, without that op's custom-gradient wrapper (never differentiated here).
      const a3 = tf.reshape(x, [1, x.shape[0], x.shape[1]]);
      const b3 = tf.reshape(w, [1, w.shape[0], w.shape[1]]);
      const out = tf
        .engine()
        .runKernel('_FusedMatMul', { a: a3, b: b3, bias: b }, { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 }) as tf.Tensor;
      return tf.reshape(out, [x.shape[0], w.shape[1]]) as tf.Tensor2D;
    });
  },

  transposeLast(x) {
    if (x.rank !== 2 && x.rank !== 3) throw new Error(`transposeLast: expected rank 2 or 3, got shape [${x.shape.join(', ')}]`);
    return tf.transpose(x, x.rank === 2 ? [1, 0] : [0, 2, 1]) as typeof x;
  },

  batchMatMul(a, b) {
    return tf.matMul(a, b);
  },

  columnSum(x) {
    return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]) as tf.Tensor1D);
  },

  gatherRows(table, rows) {
    return tf.tidy(() => tf.gather(table, tf.tensor1d(rows, 'int32')));
  },

  scatterAddRows: null,

  gatherColumns(table, columns) {
    return tf.tidy(() => tf.transpose(tf.gather(table, tf.tensor1d(columns, 'int32'), 1)) as tf.Tensor2D);
  },

  splitQkv(qkv, d: HeadDims) {
    const { B, T, H, Hkv, D } = d;
    const G = H / Hkv;
    return tf.tidy(() => {
      const [q, k, v] = tf.split(qkv, [H * D, Hkv * D, Hkv * D], 1);
      return {
        q: tf.reshape(tf.transpose(tf.reshape(q, [B, T, H, D]), [0, 2, 1, 3]), [B * Hkv, G * T, D]) as tf.Tensor3D,
        kT: tf.reshape(tf.transpose(tf.reshape(k, [B, T, Hkv, D]), [0, 2, 3, 1]), [B * Hkv, D, T]) as tf.Tensor3D,
        v: tf.reshape(tf.transpose(tf.reshape(v, [B, T, Hkv, D]), [0, 2, 1, 3]), [B * Hkv, T, D]) as tf.Tensor3D,
      };
    });
  },

  mergeHeads(o, d: HeadDims) {
    const { B, T, H, D } = d;
    return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(o, [B, H, T, D]), [0, 2, 1, 3]), [B * T, H * D]) as tf.Tensor2D);
  },

  gelu: (x) => gelu(x),

  maskedSoftmax(scores, mask) {
    if (mask.rank === 2) return tf.softmax(tf.add(scores, mask)) as tf.Tensor3D;
    const [B, R, S] = mask.shape as [number, number, number];
    const n = scores.shape[0];
    return tf.reshape(tf.softmax(tf.add(tf.reshape(scores, [B, n / B, R, S]), tf.reshape(mask, [B, 1, R, S]))), [n, R, S]) as tf.Tensor3D;
  },

  /** `composedAttention` on this set's primitives (`this`: a set spreading this one keeps its own). */
  maskedAttention(q, kT, v, mask) {
    return composedAttention(this, q, kT, v, mask);
  },

  /** The ops of model/ops/norms.ts on this set's column sums (`this`: a set spreading this one keeps its own). */
  norm(x, kind, w, b, eps) {
    return kind === 'layernorm' ? layerNorm(this, x, w, b as tf.Tensor1D, eps) : rmsNorm(this, x, w, eps);
  },

  inferenceOps: () => null,
  decodeAttention: null,
  optimizerLayout: 'per-parameter',
  lengthBucket: 1,
  adamwInPlace: () => false,
  writeVariableInPlace: () => false,
};
