import * as tf from '@tensorflow/tfjs-core';
import { mergeHeads, splitQkv } from './ops/attention-layout';
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
 * is the whole mask). qkv [B*T, (H + 2*Hkv) * D] is the fused projection, with RoPE applied and q already scaled
 * by 1/sqrt(D). Grouped-query attention without repeating K/V: query heads h = j*G + g (Hugging Face's
 * `repeat_kv` order) are laid out as [B*Hkv, G*T, D], so each KV head meets its G query heads in one product.
 * Returns the output [B*T, H*D] and, with `collectKv`, keys and values [B, Hkv, T, D] for a KV cache.
 * The caller owns the results.
 */
export function causalAttention(
  qkv: tf.Tensor2D,
  dims: AttentionDims,
  collectKv = false,
): { out: tf.Tensor2D; keys?: tf.Tensor4D; values?: tf.Tensor4D } {
  const { batch: B, length: T, heads: H, kvHeads: Hkv, headDim: D } = dims;
  const G = H / Hkv;
  const d = { B, T, H, Hkv, D };
  const { q, kT, v } = splitQkv(qkv, d);
  const scores = batchMatMul(q, kT); // [B*Hkv, G*T, T]
  const probs = tf.softmax(tf.add(scores, causalMask(G, T))) as tf.Tensor3D;
  const out = mergeHeads(batchMatMul(probs, v), d); // [B*Hkv, G*T, D] = [B, H, T, D] -> [B*T, H*D]
  if (!collectKv) return { out };
  return { out, keys: tf.reshape(transposeLast(kT), [B, Hkv, T, D]) as tf.Tensor4D, values: tf.reshape(v, [B, Hkv, T, D]) as tf.Tensor4D };
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
