import * as tf from '@tensorflow/tfjs-core';
import type { TransformerKernels } from '../kernels/transformer-kernels';
import { embedding } from './ops/embedding';

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
  k: TransformerKernels,
  qkv: tf.Tensor2D,
  dims: AttentionDims,
  collectKv = false,
): { out: tf.Tensor2D; keys?: tf.Tensor4D; values?: tf.Tensor4D } {
  const { batch: B, length: T, heads: H, kvHeads: Hkv, headDim: D } = dims;
  const G = H / Hkv;
  const d = { B, T, H, Hkv, D };
  if (qkv.shape[0] !== B * T || qkv.shape[1] !== (H + 2 * Hkv) * D)
    throw new Error(`causalAttention: [${qkv.shape.join(', ')}] does not match ${JSON.stringify(d)}`);
  const { q, kT, v } = k.splitQkv(qkv, d);
  const out = k.mergeHeads(causalProducts(k, q, kT, v, G, T), d); // [B*Hkv, G*T, D] = [B, H, T, D] -> [B*T, H*D]
  if (!collectKv) return { out };
  return { out, keys: tf.reshape(k.transposeLast(kT), [B, Hkv, T, D]) as tf.Tensor4D, values: tf.reshape(v, [B, Hkv, T, D]) as tf.Tensor4D };
}

/** Query rows per block of `causalProducts` (sequences up to twice this run as one block). */
export const QUERY_BLOCK = 128;

/**
 * softmax(q kT + causal mask) v for q [n, G*T, D] (G query heads per KV head, head-major), kT [n, D, T] and
 * v [n, T, D] -> [n, G*T, D]. Longer sequences run in query blocks of `block` rows, each against the keys up to
 * its last row only: the masked upper triangle is skipped (about 40% of the score elements at T = 700, in compute
 * and in the tensors kept for the backward), with the same result (masked keys weigh exactly 0 either way).
 * Differentiable; the caller owns the result (call inside tf.tidy).
 */
export function causalProducts(k: TransformerKernels, q: tf.Tensor3D, kT: tf.Tensor3D, v: tf.Tensor3D, G: number, T: number, block = QUERY_BLOCK): tf.Tensor3D {
  if (T <= 2 * block) return k.maskedAttention(q, kT, v, causalMask(G, 0, T, T));
  return queryBlocks(k, q, kT, v, { G, T, block, keys: (start, len) => start + len, mask: (start, len) => causalMask(G, start, len, start + len) });
}

/**
 * softmax(q kT + mask) v for q [n, G*T, D] in query blocks of `block` rows: the block of rows start..start + len - 1
 * against the first `keys(start, len)` keys of kT [n, D, S] and v [n, S, D], under `mask(start, len)`
 * ([G*len, keys] or [n / h, G*len, keys]). Returns [n, G*T, D]; the caller owns it (call inside tf.tidy).
 */
export function queryBlocks(
  k: TransformerKernels,
  q: tf.Tensor3D,
  kT: tf.Tensor3D,
  v: tf.Tensor3D,
  o: { G: number; T: number; block: number; keys: (start: number, len: number) => number; mask: (start: number, len: number) => tf.Tensor2D | tf.Tensor3D },
): tf.Tensor3D {
  const { G, T, block } = o;
  const [n, , D] = q.shape;
  const q4 = tf.reshape(q, [n, G, T, D]);
  const outs: tf.Tensor[] = [];
  for (let start = 0; start < T; start += block) {
    const len = Math.min(block, T - start);
    const S = o.keys(start, len);
    const qb = tf.reshape(tf.slice(q4, [0, 0, start, 0], [n, G, len, D]), [n, G * len, D]) as tf.Tensor3D;
    const kb = S === kT.shape[2] ? kT : tf.slice(kT, [0, 0, 0], [n, D, S]);
    const vb = S === kT.shape[2] ? v : tf.slice(v, [0, 0, 0], [n, S, D]);
    outs.push(tf.reshape(k.maskedAttention(qb, kb, vb, o.mask(start, len)), [n, G, len, D]));
  }
  return tf.reshape(tf.concat(outs, 2), [n, G * T, D]) as tf.Tensor3D;
}

/** Score elements per head that `causalProducts` computes for one sequence of T positions. */
export function causalScoreElements(T: number, block = QUERY_BLOCK): number {
  return continuationScoreElements(0, T, block);
}

/**
 * Score elements per head of one continuation of `length` positions after a prefix of `prefix` (prefix-attention.ts;
 * `prefix` 0: a causal sequence): one block against all keys up to twice `block`, else query blocks against the
 * prefix and the keys up to each block's last row.
 */
export function continuationScoreElements(prefix: number, length: number, block = QUERY_BLOCK): number {
  if (length <= 2 * block) return length * (prefix + length);
  let n = 0;
  for (let start = 0; start < length; start += block) n += Math.min(block, length - start) * (prefix + Math.min(start + block, length));
  return n;
}

/** [G*len, S]: row (g, t) is query position start + t and sees keys 0..start + t. */
function causalMask(G: number, start: number, len: number, S: number): tf.Tensor2D {
  const m = new Float32Array(G * len * S);
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < len; t++) m.fill(MASKED, (g * len + t) * S + start + t + 1, (g * len + t + 1) * S);
  }
  return tf.tensor2d(m, [G * len, S]);
}

/**
 * One decoding step against a KV cache: q [R, H*D] (scaled), keys/values [R*Hkv, L, D], mask [R*Hkv, G, L]
 * (0 where a key may be seen, MASKED elsewhere). Returns [R, H*D]; the caller owns it.
 */
export function cachedAttention(k: TransformerKernels, q: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor2D {
  const [n, G, L] = mask.shape;
  const D = keys.shape[2];
  if (keys.shape[0] !== n || keys.shape[1] !== L)
    throw new Error(`cachedAttention: cache [${keys.shape.join(', ')}] does not match mask [${mask.shape.join(', ')}]`);
  // Small M (= G): tfjs's loop with a transposed, contiguous right operand is the fastest form here.
  const scores = k.matMul(tf.reshape(q, [n, G, D]) as tf.Tensor3D, keys, false, true); // [n, G, L]
  const probs = tf.softmax(tf.add(scores, mask));
  return tf.reshape(k.matMul(probs as tf.Tensor3D, values), [q.shape[0], q.shape[1]]) as tf.Tensor2D;
}

/** The decoding mask for rows whose newest token sits at `positions[r]`: keys 0..positions[r] are visible. */
export function decodeMask(positions: Int32Array, kvHeads: number, groups: number, capacity: number): tf.Tensor3D {
  const R = positions.length;
  const m = new Float32Array(R * kvHeads * groups * capacity).fill(MASKED);
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < kvHeads * groups; j++) m.fill(0, (r * kvHeads * groups + j) * capacity, (r * kvHeads * groups + j) * capacity + positions[r] + 1);
  }
  return tf.tensor3d(m, [R * kvHeads, groups, capacity]);
}

/**
 * Causal self-attention for some query rows only (the last layer of a pass whose outputs are `rows`: no other
 * position's attention output is ever used). qkv [B*T, (H + 2*Hkv) * D] as in `causalAttention`; `rows` are token
 * rows b*T + t (any order, repeats allowed). Each row's distinct queries are padded to the most any batch row has
 * (Qmax) and attend to all T keys of their row through a per-row mask, so the scores are [B*Hkv, G*Qmax, T]
 * instead of the causal T x T. Same result as `causalAttention`'s rows. Returns [rows.length, H*D] in `rows`
 * order; the caller owns it (call inside tf.tidy).
 */
export function causalAttentionRows(k: TransformerKernels, qkv: tf.Tensor2D, dims: AttentionDims, rows: Int32Array): tf.Tensor2D {
  const { batch: B, length: T, heads: H, kvHeads: Hkv, headDim: D } = dims;
  const d = { B, T, H, Hkv, D };
  const { kT, v } = k.splitQkv(qkv, d);
  return queryRowsAttention(k, tf.slice(qkv, [0, 0], [B * T, H * D]) as tf.Tensor2D, kT, v, { B, T, H, Hkv, D, rows, visible: (_b, t) => t + 1 });
}

/**
 * softmax(q kT + mask) v for the query rows `rows` (token rows b*T + t of q2d [B*T, H*D], scaled) against each
 * batch row's keys kT [B*Hkv, D, S] and values v [B*Hkv, S, D], query (b, t) seeing keys 0 .. visible(b, t) - 1
 * except those in `hidden(b)`.
 * Returns [rows.length, H*D] in `rows` order (see `causalAttentionRows`).
 */
export function queryRowsAttention(
  k: TransformerKernels,
  q2d: tf.Tensor2D,
  kT: tf.Tensor3D,
  v: tf.Tensor3D,
  o: {
    B: number;
    T: number;
    H: number;
    Hkv: number;
    D: number;
    rows: Int32Array;
    visible: (b: number, t: number) => number;
    /** Keys [from, to) that batch row b never sees (a padded prefix's padding), masked in every query. */
    hidden?: (b: number) => [number, number];
  },
): tf.Tensor2D {
  const { B, T, H, Hkv, D, rows } = o;
  const G = H / Hkv;
  const S = kT.shape[2];
  // Distinct query positions of each batch row, in first-seen order; slot of each.
  const perRow: number[][] = Array.from({ length: B }, () => []);
  const slotOf = new Map<number, number>();
  for (const r of rows) {
    if (slotOf.has(r)) continue;
    const b = Math.floor(r / T);
    slotOf.set(r, perRow[b].length);
    perRow[b].push(r - b * T);
  }
  const Q = Math.max(1, ...perRow.map((p) => p.length));
  const gather = new Int32Array(B * Q);
  const mask = new Float32Array(B * G * Q * S).fill(MASKED);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < Q; s++) {
      const t = s < perRow[b].length ? perRow[b][s] : 0; // padding slots repeat position 0 (dropped below)
      gather[b * Q + s] = b * T + t;
      const seen = s < perRow[b].length ? o.visible(b, t) : 1;
      for (let g = 0; g < G; g++) mask.fill(0, ((b * G + g) * Q + s) * S, ((b * G + g) * Q + s) * S + seen);
    }
    const [from, to] = o.hidden?.(b) ?? [0, 0];
    for (let j = 0; j < G * Q && from < to; j++) mask.fill(MASKED, (b * G * Q + j) * S + from, (b * G * Q + j) * S + to);
  }
  const qd = { B, T: Q, H, Hkv, D };
  const q = tf.reshape(tf.transpose(tf.reshape(embedding(k, q2d, gather), [B, Q, H, D]), [0, 2, 1, 3]), [B * Hkv, G * Q, D]) as tf.Tensor3D;
  const out = k.mergeHeads(k.maskedAttention(q, kT, v, tf.tensor3d(mask, [B, G * Q, S])), qd); // [B*Q, H*D]
  const pick = Int32Array.from(rows, (r) => Math.floor(r / T) * Q + (slotOf.get(r) as number));
  return embedding(k, out, pick);
}
