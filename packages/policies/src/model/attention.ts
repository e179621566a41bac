import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from './ops/batch-mat-mul';
import { transposeLast } from './ops/transpose-last';

/** Shapes of one attention call. */
export interface AttentionDims {
  batch: number;
  length: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

/** Added to masked scores; exp(-1e9 - max) is exactly 0 in float32, and no -Infinity can make a NaN. */
export const MASKED = -1e9;

/**
 * Causal self-attention over right-padded sequences (padding only ever follows real tokens, so the causal mask
 * is the whole mask). q [B*T, H*D] must already be scaled by 1/sqrt(D); k, v [B*T, Hkv*D].
 * Grouped-query attention without repeating K/V: query heads h = j*G + g (Hugging Face's `repeat_kv` order) are
 * laid out as [B*Hkv, G*T, D], so each KV head meets its G query heads in one product.
 * Returns the output [B*T, H*D] and, for a KV cache, keys and values as [B, Hkv, T, D]. The caller owns them.
 */
export function causalAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  dims: AttentionDims,
): { out: tf.Tensor2D; keys: tf.Tensor4D; values: tf.Tensor4D } {
  const { batch: B, length: T, heads: H, kvHeads: Hkv, headDim: D } = dims;
  const G = H / Hkv;
  const q4 = tf.transpose(tf.reshape(q, [B, T, H, D]), [0, 2, 1, 3]); // [B, H, T, D]
  const keys = tf.transpose(tf.reshape(k, [B, T, Hkv, D]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, Hkv, T, D]
  const values = tf.transpose(tf.reshape(v, [B, T, Hkv, D]), [0, 2, 1, 3]) as tf.Tensor4D;
  const kT = transposeLast(tf.reshape(keys, [B * Hkv, T, D]) as tf.Tensor3D); // [B*Hkv, D, T]
  const scores = batchMatMul(tf.reshape(q4, [B * Hkv, G * T, D]) as tf.Tensor3D, kT); // [B*Hkv, G*T, T]
  const probs = tf.softmax(tf.add(scores, causalMask(G, T))) as tf.Tensor3D;
  const out = batchMatMul(probs, tf.reshape(values, [B * Hkv, T, D]) as tf.Tensor3D); // [B*Hkv, G*T, D] = [B, H, T, D]
  const merged = tf.reshape(tf.transpose(tf.reshape(out, [B, H, T, D]), [0, 2, 1, 3]), [B * T, H * D]) as tf.Tensor2D;
  return { out: merged, keys, values };
}

/** [G*T, T]: row (g, t) sees keys 0..t. */
function causalMask(G: number, T: number): tf.Tensor2D {
  const m = new Float32Array(G * T * T);
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < T; t++) m.fill(MASKED, (g * T + t) * T + t + 1, (g * T + t + 1) * T);
  }
  return tf.tensor2d(m, [G * T, T]);
}

/**
 * One decoding step against a KV cache: q [R, H*D] (scaled), keys/values [R*Hkv, L, D], mask [R*Hkv, G, L]
 * (0 where a key may be seen, MASKED elsewhere). Returns [R, H*D]; the caller owns it.
 */
export function cachedAttention(q: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor2D {
  const [n, G, L] = mask.shape;
  const D = keys.shape[2];
  if (keys.shape[0] !== n || keys.shape[1] !== L) throw new Error(`cachedAttention: cache [${keys.shape.join(', ')}] does not match mask [${mask.shape.join(', ')}]`);
  // Small M (= G): tfjs's loop with a transposed, contiguous right operand is the fastest form here.
  const scores = tf.matMul(tf.reshape(q, [n, G, D]) as tf.Tensor3D, keys, false, true); // [n, G, L]
  const probs = tf.softmax(tf.add(scores, mask));
  return tf.reshape(tf.matMul(probs, values), [q.shape[0], q.shape[1]]) as tf.Tensor2D;
}

/** The decoding mask for rows whose newest token sits at `positions[r]`: keys 0..positions[r] are visible. */
export function decodeMask(positions: Int32Array, kvHeads: number, groups: number, capacity: number): tf.Tensor3D {
  const R = positions.length;
  const m = new Float32Array(R * kvHeads * groups * capacity).fill(MASKED);
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < kvHeads * groups; j++) m.fill(0, ((r * kvHeads * groups + j) * capacity), (r * kvHeads * groups + j) * capacity + positions[r] + 1);
  }
  return tf.tensor3d(m, [R * kvHeads, groups, capacity]);
}
