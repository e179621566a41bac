import * as tf from '@tensorflow/tfjs-core';
import { registerWasmDecodeKernels, SRL_GELU_ARG, SRL_NORM, SRL_PRODUCT } from '../backend/wasm-decode-kernels';
import { gatherColumns, gatherRows } from './ops/embedding';
import { denseBias } from './ops/linear';
import type { ResolvedWeights } from './transformer';
import type { TransformerConfig } from './transformer-config';

type Norm = ResolvedWeights['finalNorm'];
type Layer = ResolvedWeights['layers'][number];

/**
 * The transformer's building blocks as fused wasm inference kernels (wasm-decode-kernels.ts), for passes that
 * are never differentiated: decoding steps, prefill, scoring. Each takes and returns tensors the caller owns
 * (call inside tf.tidy).
 */
export class InferenceOps {
  constructor(private readonly c: TransformerConfig) {
    registerWasmDecodeKernels();
  }

  private run(name: string, inputs: tf.NamedTensorMap, attrs: object = {}): tf.Tensor | tf.Tensor[] {
    return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap);
  }

  /** Token (+ learned position) embeddings of rows [N, C]. */
  embed(W: ResolvedWeights, ids: Int32Array, positions: Int32Array): tf.Tensor2D {
    const x = W.embedLayout === 'columns' ? gatherColumns(W.embed, ids) : gatherRows(W.embed, ids);
    return W.positions === undefined ? x : (tf.add(x, gatherRows(W.positions, positions)) as tf.Tensor2D);
  }

  /** [x + residual, norm(x + residual)] (without residual: [x, norm(x)]). */
  norm(x: tf.Tensor, n: Norm, residual?: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
    const inputs: tf.NamedTensorMap = { x, w: n.w };
    if (n.b !== undefined) inputs.b = n.b;
    if (residual !== undefined) inputs.residual = residual;
    const out = this.run(SRL_NORM, inputs, { kind: this.c.norm, eps: this.c.normEps });
    return (Array.isArray(out) ? out : [x, out]) as [tf.Tensor2D, tf.Tensor2D];
  }

  linear(x: tf.Tensor, l: { w: tf.Tensor2D; b?: tf.Tensor1D }): tf.Tensor2D {
    return denseBias(x as tf.Tensor2D, l.w, l.b);
  }

  /** GELU MLP: x * sigmoid(z) with the sigmoid on XNNPACK; SwiGLU: gate * sigmoid(gate) * up. */
  mlp(h: tf.Tensor, layer: Layer): tf.Tensor2D {
    if (this.c.mlp === 'gelu') {
      const u = this.linear(h, layer.mlp[0]);
      return this.linear(this.run(SRL_PRODUCT, { a: u, b: tf.sigmoid(this.run(SRL_GELU_ARG, { x: u }) as tf.Tensor) }) as tf.Tensor, layer.mlp[1]);
    }
    const gate = this.linear(h, layer.mlp[0]);
    return this.linear(this.run(SRL_PRODUCT, { a: gate, b: tf.sigmoid(gate), c: this.linear(h, layer.mlp[1]) }) as tf.Tensor, layer.mlp[2]);
  }
}
