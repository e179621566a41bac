import * as tf from '@tensorflow/tfjs-core';
import type { Rope } from './ops/rope';
import type { TransformerConfig } from './transformer-config';

/**
 * For the fused projection [N, (H + 2*Hkv) * D]: scales q by 1/sqrt(D) and applies RoPE to q and k (one
 * rotation over all head slots, value slots passing through; the scale folded into q's tables).
 */
export function positionalQkv(c: TransformerConfig, rope: Rope | null, positions: Int32Array): (qkv: tf.Tensor2D) => tf.Tensor2D {
  const D = c.hiddenSize / c.numHeads;
  const scale = 1 / Math.sqrt(D);
  const slots = c.numHeads + 2 * c.numKvHeads;
  if (rope === null) {
    const row = new Float32Array(slots * D).fill(1).fill(scale, 0, c.numHeads * D);
    const scaleRow = tf.tensor1d(row);
    return (qkv) => tf.mul(qkv, scaleRow);
  }
  const { cos, sin } = rope.qkvTables(positions, c.numHeads, c.numKvHeads, scale);
  const N = positions.length;
  return (qkv) => tf.reshape(rope.apply(tf.reshape(qkv, [N * slots, D]), cos, sin), [N, slots * D]);
}
