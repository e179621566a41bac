/**
 * The differentiable GELU, norms and attention softmax of the wasm kernel set, on the fused kernels of wasm-train-kernels.ts (one
 * kernel each way instead of ~7-10 stock ones). Same values and gradients as model/ops/gelu.ts and
 * model/ops/norms.ts to float32 rounding (kernels.test.ts compares the sets). The caller owns every result.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../../model/ops/custom-op';
import { runKernel as run } from '../run-kernel';
import { SRL_GELU, SRL_GELU_GRAD, SRL_MASKED_SOFTMAX, SRL_NORM_GRAD, SRL_NORM_TRAIN, SRL_SOFTMAX_GRAD } from './wasm-train-kernels';

/** GELU of x; the gradient recomputes the sigmoid from the saved input. */
export const fusedGelu: (x: tf.Tensor2D) => tf.Tensor2D = customOp<tf.Tensor2D>(([x], save) => {
  save([x]);
  return {
    value: run(SRL_GELU, { x }) as tf.Tensor2D,
    gradFunc: (dy, [sx]) => [run(SRL_GELU_GRAD, { x: sx, dy }) as tf.Tensor],
  };
});

type NormOp = (...inputs: tf.Tensor[]) => tf.Tensor2D;
const normOps = new Map<string, NormOp>();

/** LayerNorm (with its bias) or RMSNorm of the rows of x; saves the normalised rows and 1/std per row. */
export function fusedNorm(x: tf.Tensor2D, kind: 'layernorm' | 'rmsnorm', w: tf.Tensor1D, b: tf.Tensor1D | undefined, eps: number): tf.Tensor2D {
  const key = `${kind}/${eps}`;
  let op = normOps.get(key);
  if (op === undefined) {
    const withBias = kind === 'layernorm';
    op = customOp<tf.Tensor2D>(([sx, sw, sb], save) => {
      const [y, xhat, rstd] = run(SRL_NORM_TRAIN, withBias ? { x: sx, w: sw, b: sb } : { x: sx, w: sw }, { kind, eps }) as tf.Tensor[];
      save([xhat, rstd, sw]);
      return {
        value: y as tf.Tensor2D,
        gradFunc: (g, [h, r, ww]) => {
          const [dx, dw, db] = run(SRL_NORM_GRAD, { g, xhat: h, rstd: r, w: ww }, { kind }) as tf.Tensor[];
          if (withBias) return [dx, dw, db];
          db.dispose();
          return [dx, dw];
        },
      };
    });
    normOps.set(key, op);
  }
  return kind === 'layernorm' ? op(x, w, b as tf.Tensor1D) : op(x, w);
}

/**
 * softmax(scores + mask) over the last axis of scores [n, R, S] (mask [R, S], or [B, R, S] with B dividing n, a
 * constant); saves the result.
 */
export function fusedMaskedSoftmax(scores: tf.Tensor3D, mask: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D {
  return customOp<tf.Tensor3D>(([x], save) => {
    const y = run(SRL_MASKED_SOFTMAX, { x, mask }) as tf.Tensor3D;
    save([y]);
    return { value: y, gradFunc: (dy, [sy]) => [run(SRL_SOFTMAX_GRAD, { y: sy, dy }) as tf.Tensor] };
  })(scores);
}
