import * as tf from '@tensorflow/tfjs-core';
import { SRL_COLUMN_SUM, useWasmKernels } from '../../backend/wasm-kernels';
import { customOp } from './custom-op';

/**
 * LayerNorm over the last axis of x [N, C]: (x - mean) / sqrt(var + eps) * w + b, and RMSNorm:
 * x * rsqrt(mean(x^2) + eps) * w (the order of llama2.c and Hugging Face: normalise, then scale).
 * Custom gradients: autograd would sum the weight gradients over axis 0, a strided scalar loop on wasm; here
 * `columnSum` does it. The caller owns the result.
 */
export function layerNorm(x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  return layerNormOp(eps)(x, w, b);
}

export function rmsNorm(x: tf.Tensor2D, w: tf.Tensor1D, eps: number): tf.Tensor2D {
  return rmsNormOp(eps)(x, w);
}

type LayerNormFn = (...inputs: tf.Tensor[]) => tf.Tensor2D;
type RmsNormFn = LayerNormFn;
const layerNormOps = new Map<number, LayerNormFn>();
const rmsNormOps = new Map<number, RmsNormFn>();

/** Column sum of x [N, C] as [C]: a row-order loop on wasm, ones[1, N] @ x elsewhere. Not differentiable. */
export function columnSum(x: tf.Tensor2D): tf.Tensor1D {
  if (x.dtype === 'float32' && useWasmKernels()) return tf.engine().runKernel(SRL_COLUMN_SUM, { x }, {}) as tf.Tensor1D;
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]);
}

function layerNormOp(eps: number): LayerNormFn {
  let op = layerNormOps.get(eps);
  if (op === undefined) {
    op = customOp<tf.Tensor2D>(([x, w, b], save) => {
      const mean = tf.mean(x, -1, true);
      const centered = tf.sub(x, mean);
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), eps));
      const xhat = tf.mul(centered, rstd);
      save([xhat, rstd, w]);
      return {
        value: tf.add(tf.mul(xhat, w), b) as tf.Tensor2D,
        gradFunc: (g, saved) => {
          const [sxhat, srstd, sw] = saved;
          const dxhat = tf.mul(g, sw);
          // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
          const dx = tf.mul(srstd, tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), -1, true))));
          return [dx, columnSum(tf.mul(g, sxhat) as tf.Tensor2D), columnSum(g)];
        },
      };
    });
    layerNormOps.set(eps, op);
  }
  return op;
}

function rmsNormOp(eps: number): RmsNormFn {
  let op = rmsNormOps.get(eps);
  if (op === undefined) {
    op = customOp<tf.Tensor2D>(([x, w], save) => {
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps));
      const xhat = tf.mul(x, rstd);
      save([xhat, rstd, w]);
      return {
        value: tf.mul(xhat, w) as tf.Tensor2D,
        gradFunc: (g, saved) => {
          const [sxhat, srstd, sw] = saved;
          const dxhat = tf.mul(g, sw);
          // dx = rstd * (dxhat - xhat * mean(dxhat * xhat))
          const dx = tf.mul(srstd, tf.sub(dxhat, tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), -1, true))));
          return [dx, columnSum(tf.mul(g, sxhat) as tf.Tensor2D)];
        },
      };
    });
    rmsNormOps.set(eps, op);
  }
  return op;
}
