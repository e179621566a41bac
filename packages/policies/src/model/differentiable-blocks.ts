import * as tf from '@tensorflow/tfjs-core';
import type { BlockOps, TransformerKernels } from '../kernels/transformer-kernels';
import { embedding } from './ops/embedding';
import { linear } from './ops/linear';
import type { LayerWeights, Linear, Norm, ResolvedWeights } from './resolve-weights';
import type { TransformerConfig } from './transformer-config';

/**
 * The transformer's blocks as differentiable ops (model/ops/) on a kernel set's primitives: what training runs on
 * every kernel set, and every pass runs on a set without fused inference blocks. The caller owns every result.
 */
export class DifferentiableBlocks implements BlockOps {
  constructor(
    private readonly c: TransformerConfig,
    private readonly k: TransformerKernels,
  ) {}

  embed(W: ResolvedWeights, ids: Int32Array, positions: Int32Array): tf.Tensor2D {
    const tokens = embedding(this.k, W.embed, ids, W.embedLayout);
    return W.positions === undefined ? tokens : tf.add(tokens, embedding(this.k, W.positions, positions));
  }

  addNorm(x: tf.Tensor2D, n: Norm, residual?: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const sum = residual === undefined ? x : (tf.add(x, residual) as tf.Tensor2D);
    return [sum, this.k.norm(sum, this.c.norm, n.w, n.b, this.c.normEps)];
  }

  linear(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
    return linear(this.k, x, l.w, l.b);
  }

  mlp(h: tf.Tensor2D, layer: LayerWeights): tf.Tensor2D {
    const [a, b, d] = layer.mlp;
    if (this.c.mlp === 'gelu') return this.linear(this.k.gelu(this.linear(h, a)), b);
    const gate = this.linear(h, a);
    return this.linear(tf.mul(tf.mul(gate, tf.sigmoid(gate)), this.linear(h, b)) as tf.Tensor2D, d);
  }

  rows(h: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
    return embedding(this.k, h, rows);
  }
}
