import * as tf from '@tensorflow/tfjs-core';
import { causalProducts, MASKED, QUERY_BLOCK, queryBlocks, queryRowsAttention, type AttentionDims } from './attention';
import type { TransformerKernels } from '../kernels/transformer-kernels';
import { embedding } from './ops/embedding';

/**
 * Sequences that share prefixes, for one pass that computes each prefix once: P right-padded prefix rows of
 * length `prefixLength`, then R right-padded continuation rows of length `length`, row r continuing prefix
 * `prefixOf[r]`. Token row index: prefix p position t is p * prefixLength + t; continuation r position j is
 * P * prefixLength + r * length + j (at sequence position prefixLengths[prefixOf[r]] + j). This is how a GRPO
 * group's G completions share one pass over their prompt: the prompt's keys and values (and their gradient)
 * are shared by the G rows instead of recomputed G times.
 */
export interface PrefixBatch {
  prefixIds: Int32Array;
  prefixes: number;
  prefixLength: number;
  /** Real tokens of each prefix (>= 1). */
  prefixLengths: Int32Array;
  ids: Int32Array;
  batch: number;
  length: number;
  prefixOf: Int32Array;
}

export function isPrefixBatch(b: object): b is PrefixBatch {
  return 'prefixOf' in b;
}

/** All token ids of a prefix batch, in token-row order. */
export function prefixBatchIds(b: PrefixBatch): Int32Array {
  const ids = new Int32Array(b.prefixIds.length + b.ids.length);
  ids.set(b.prefixIds);
  ids.set(b.ids, b.prefixIds.length);
  return ids;
}

/** Sequence position of each token row (padding clamped to maxPositions - 1: it is never seen by real tokens). */
export function prefixBatchPositions(b: PrefixBatch, maxPositions: number): Int32Array {
  const { prefixes: P, prefixLength: Tp, batch: R, length: Tc } = b;
  const pos = new Int32Array(P * Tp + R * Tc);
  for (let p = 0; p < P; p++) for (let t = 0; t < Tp; t++) pos[p * Tp + t] = t;
  for (let r = 0; r < R; r++) {
    const start = b.prefixLengths[b.prefixOf[r]];
    for (let j = 0; j < Tc; j++) pos[P * Tp + r * Tc + j] = Math.min(start + j, maxPositions - 1);
  }
  return pos;
}

/**
 * Causal attention over a prefix batch. qkv [P*Tp + R*Tc, (H + 2*Hkv) * D] is the fused projection (RoPE applied,
 * q scaled), in token-row order. Prefix rows attend causally within their prefix; continuation row r attends to
 * the real tokens of its prefix and causally to itself, through the prefix's keys and values gathered per row
 * (a differentiable gather: their gradient is summed back into the one prefix). Same result as running each
 * sequence whole. Returns [P*Tp + R*Tc, H*D]; the caller owns it (call inside tf.tidy).
 */
export function prefixAttention(
  k: TransformerKernels,
  qkv: tf.Tensor2D,
  b: PrefixBatch,
  heads: Pick<AttentionDims, 'heads' | 'kvHeads' | 'headDim'>,
): tf.Tensor2D {
  const { prefixes: P, prefixLength: Tp } = b;
  const { heads: H, kvHeads: Hkv, headDim: D } = heads;
  const pd = { B: P, T: Tp, H, Hkv, D };
  const p = k.splitQkv(tf.slice(qkv, [0, 0], [P * Tp, qkv.shape[1]]), pd);
  // Prefixes: plain causal attention within each prefix.
  const pOut = k.mergeHeads(causalProducts(k, p.q, p.kT, p.v, H / Hkv, Tp), pd);
  return tf.concat([pOut, continuationAttention(k, qkv, b, heads, p)], 0) as tf.Tensor2D;
}

/**
 * `prefixAttention`'s output at token rows `rows` only (any order, repeats allowed), for the last layer of a pass
 * whose outputs are those rows: prefix positions attend only where a row is asked for (a prefix's last real token,
 * which predicts each continuation's first token), continuations at the asked positions where those are at most
 * half of them, else in full. Returns [rows.length, H*D] in `rows` order; the caller owns it (call inside tf.tidy).
 */
export function prefixAttentionRows(
  k: TransformerKernels,
  qkv: tf.Tensor2D,
  b: PrefixBatch,
  heads: Pick<AttentionDims, 'heads' | 'kvHeads' | 'headDim'>,
  rows: Int32Array,
): tf.Tensor2D {
  const { prefixes: P, prefixLength: Tp, batch: R, length: Tc } = b;
  const { heads: H, kvHeads: Hkv, headDim: D } = heads;
  const p = k.splitQkv(tf.slice(qkv, [0, 0], [P * Tp, qkv.shape[1]]), { B: P, T: Tp, H, Hkv, D });
  const prefixRows = [...new Set(Array.from(rows).filter((r) => r < P * Tp))].sort((x, y) => x - y);
  const continuationRows = [...new Set(Array.from(rows).filter((r) => r >= P * Tp))]; // distinct, first-seen order
  // Few continuation positions asked (the completions after the rest of a prompt): those only; else all of them.
  const few = continuationRows.length * 2 <= R * Tc;
  const parts = [
    few
      ? continuationRowsAttention(
          k,
          qkv,
          b,
          heads,
          p,
          Int32Array.from(continuationRows, (r) => r - P * Tp),
        )
      : continuationAttention(k, qkv, b, heads, p),
  ];
  if (prefixRows.length > 0) {
    const q2d = tf.slice(qkv, [0, 0], [P * Tp, H * D]) as tf.Tensor2D;
    const opts = { B: P, T: Tp, H, Hkv, D, rows: Int32Array.from(prefixRows), visible: (_p: number, t: number) => t + 1 };
    parts.unshift(queryRowsAttention(k, q2d, p.kT, p.v, opts));
  }
  const at = new Map(prefixRows.map((r, i) => [r, i]));
  const slot = new Map(continuationRows.map((r, i) => [r, i]));
  const pick = Int32Array.from(rows, (r) => (r < P * Tp ? (at.get(r) as number) : prefixRows.length + (few ? (slot.get(r) as number) : r - P * Tp)));
  return embedding(k, parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D), pick);
}

/** Keys and values [R*Hkv, D, Tp + Tc] / [R*Hkv, Tp + Tc, D] of each continuation: its prefix's (gathered), then its own. */
function continuationKeys(
  k: TransformerKernels,
  b: PrefixBatch,
  Hkv: number,
  p: { kT: tf.Tensor3D; v: tf.Tensor3D },
  c: { kT: tf.Tensor3D; v: tf.Tensor3D },
): { kT: tf.Tensor3D; v: tf.Tensor3D } {
  const { prefixes: P, batch: R } = b;
  const perRow = (x: tf.Tensor3D): tf.Tensor3D =>
    tf.reshape(embedding(k, tf.reshape(x, [P, x.size / P]) as tf.Tensor2D, b.prefixOf), [R * Hkv, x.shape[1], x.shape[2]]) as tf.Tensor3D;
  return { kT: tf.concat([perRow(p.kT), c.kT], 2) as tf.Tensor3D, v: tf.concat([perRow(p.v), c.v], 1) as tf.Tensor3D };
}

/**
 * The continuations' attention at continuation positions `positions` only (r * Tc + j, distinct):
 * [positions.length, H*D] in that order. Each attends to its prefix's real tokens and causally to itself.
 */
function continuationRowsAttention(
  k: TransformerKernels,
  qkv: tf.Tensor2D,
  b: PrefixBatch,
  heads: Pick<AttentionDims, 'heads' | 'kvHeads' | 'headDim'>,
  p: { kT: tf.Tensor3D; v: tf.Tensor3D },
  positions: Int32Array,
): tf.Tensor2D {
  const { prefixes: P, prefixLength: Tp, batch: R, length: Tc } = b;
  const { heads: H, kvHeads: Hkv, headDim: D } = heads;
  const c2d = tf.slice(qkv, [P * Tp, 0], [R * Tc, qkv.shape[1]]) as tf.Tensor2D;
  const c = k.splitQkv(c2d, { B: R, T: Tc, H, Hkv, D });
  const { kT, v } = continuationKeys(k, b, Hkv, p, c);
  return queryRowsAttention(k, tf.slice(c2d, [0, 0], [R * Tc, H * D]) as tf.Tensor2D, kT, v, {
    B: R,
    T: Tc,
    H,
    Hkv,
    D,
    rows: positions,
    visible: (_r, j) => Tp + j + 1,
    hidden: (r) => [b.prefixLengths[b.prefixOf[r]], Tp],
  });
}

/**
 * The continuations' attention [R*Tc, H*D]: keys and values = [own prefix's (gathered per row), own]. Continuations
 * up to twice QUERY_BLOCK run as one masked product; longer ones (the rest of a prompt after a shared system
 * prompt, say) in query blocks, each against the prefix and its own keys up to the block's last row, as
 * `causalProducts` does: the masked upper triangle of the continuation is skipped in compute and in the tensors
 * kept for the backward, with the same result.
 */
function continuationAttention(
  k: TransformerKernels,
  qkv: tf.Tensor2D,
  b: PrefixBatch,
  heads: Pick<AttentionDims, 'heads' | 'kvHeads' | 'headDim'>,
  p: { kT: tf.Tensor3D; v: tf.Tensor3D },
  block = QUERY_BLOCK,
): tf.Tensor2D {
  const { prefixes: P, prefixLength: Tp, batch: R, length: Tc } = b;
  const { heads: H, kvHeads: Hkv, headDim: D } = heads;
  const G = H / Hkv;
  const cd = { B: R, T: Tc, H, Hkv, D };
  const c = k.splitQkv(tf.slice(qkv, [P * Tp, 0], [R * Tc, qkv.shape[1]]), cd);
  const { kT, v } = continuationKeys(k, b, Hkv, p, c);
  if (Tc <= 2 * block) return k.mergeHeads(k.maskedAttention(c.q, kT, v, continuationMask(b, G, 0, Tc)), cd);
  const blocks = {
    G,
    T: Tc,
    block,
    keys: (start: number, len: number) => Tp + start + len,
    mask: (start: number, len: number) => continuationMask(b, G, start, len),
  };
  return k.mergeHeads(queryBlocks(k, c.q, kT, v, blocks), cd);
}

/**
 * The mask of continuation positions start..start + len - 1: each sees its prefix's real tokens and its own
 * positions 0..start + t (every query head alike). [G*len, Tp + start + len] when every row's prefix has the same
 * real length (one shared prefix, or prompts of one length): the same for every row, which the fused masked
 * softmax of the wasm kernels takes; [R, G*len, Tp + start + len] otherwise.
 */
function continuationMask(b: PrefixBatch, G: number, start: number, len: number): tf.Tensor2D | tf.Tensor3D {
  const { prefixLength: Tp, batch: R } = b;
  const S = Tp + start + len;
  const reals = Array.from(b.prefixOf, (p) => b.prefixLengths[p]);
  const rows = reals.every((x) => x === reals[0]) ? 1 : R;
  const m = new Float32Array(rows * G * len * S).fill(MASKED);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < G; g++) {
      for (let t = 0; t < len; t++) {
        const row = ((r * G + g) * len + t) * S;
        m.fill(0, row, row + reals[r]);
        m.fill(0, row + Tp, row + Tp + start + t + 1);
      }
    }
  }
  return rows === 1 ? tf.tensor2d(m, [G * len, S]) : tf.tensor3d(m, [R, G * len, S]);
}
