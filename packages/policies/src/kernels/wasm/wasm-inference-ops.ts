import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights, Linear, Norm, ResolvedWeights } from '../../model/resolve-weights';
import type { TransformerConfig } from '../../model/transformer-config';
import { runKernel as run } from '../run-kernel';
import type { BlockOps, TransformerKernels } from '../transformer-kernels';
import { SRL_GELU_ARG, SRL_NORM, SRL_PRODUCT } from './wasm-decode-kernels';

/**
 * The transformer's blocks as fused wasm inference kernels (wasm-decode-kernels.ts), for passes that are never
 * differentiated: decoding steps, prefill, scoring. The residual add and the norm are one kernel; GELU is
 * x * sigmoid(z) and SwiGLU gate * sigmoid(gate) * up with the sigmoid on XNNPACK. The same arithmetic as the
 * differentiable blocks (model/ops/), to float32 rounding (kernels.test.ts compares them).
 */
export class WasmInferenceOps implements BlockOps {
  constructor(
    private readonly c: TransformerConfig,
    private readonly k: TransformerKernels,
  ) {}

  embed(W: ResolvedWeights, ids: Int32Array, positions: Int32Array): tf.Tensor2D {
    const x = W.embedLayout === 'columns' ? this.k.gatherColumns(W.embed, ids) : this.k.gatherRows(W.embed, ids);
    return W.positions === undefined ? x : (tf.add(x, this.k.gatherRows(W.positions, positions)) as tf.Tensor2D);
  }

  addNorm(x: tf.Tensor2D, n: Norm, residual?: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const inputs: tf.NamedTensorMap = { x, w: n.w };
    if (n.b !== undefined) inputs.b = n.b;
    if (residual !== undefined) inputs.residual = residual;
    const out = run(SRL_NORM, inputs, { kind: this.c.norm, eps: this.c.normEps });
    return (Array.isArray(out) ? out : [x, out]) as [tf.Tensor2D, tf.Tensor2D];
  }

  linear(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
    return this.k.dense(x, l.w, l.b);
  }

  mlp(h: tf.Tensor2D, layer: LayerWeights): tf.Tensor2D {
    if (this.c.mlp === 'gelu') {
      const u = this.linear(h, layer.mlp[0]);
      return this.linear(run(SRL_PRODUCT, { a: u, b: tf.sigmoid(run(SRL_GELU_ARG, { x: u }) as tf.Tensor) }) as tf.Tensor2D, layer.mlp[1]);
    }
    const gate = this.linear(h, layer.mlp[0]);
    return this.linear(run(SRL_PRODUCT, { a: gate, b: tf.sigmoid(gate), c: this.linear(h, layer.mlp[1]) }) as tf.Tensor2D, layer.mlp[2]);
  }

  rows(h: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
    return this.k.gatherRows(h, rows);
  }
}
