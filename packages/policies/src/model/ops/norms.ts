import * as tf from '@tensorflow/tfjs-core';
import type { TransformerKernels } from '../../kernels/transformer-kernels';
import { customOp } from './custom-op';

/**
 * LayerNorm over the last axis of x [N, C]: (x - mean) / sqrt(var + eps) * w + b, and RMSNorm:
 * x * rsqrt(mean(x^2) + eps) * w (the order of llama2.c and Hugging Face: normalise, then scale).
 * Custom gradients: autograd would sum the weight gradients over axis 0, a strided scalar loop on wasm; here
 * `k.columnSum` does it. The caller owns the result.
 */
export function layerNorm(k: TransformerKernels, x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  return cached(k, 'layernorm', eps)(x, w, b);
}

export function rmsNorm(k: TransformerKernels, x: tf.Tensor2D, w: tf.Tensor1D, eps: number): tf.Tensor2D {
  return cached(k, 'rmsnorm', eps)(x, w);
}

type NormFn = (...inputs: tf.Tensor[]) => tf.Tensor2D;
const ops = new WeakMap<TransformerKernels, Map<string, NormFn>>();

function cached(k: TransformerKernels, kind: 'layernorm' | 'rmsnorm', eps: number): NormFn {
  let byKey = ops.get(k);
  if (byKey === undefined) ops.set(k, (byKey = new Map()));
  const key = `${kind}/${eps}`;
  let op = byKey.get(key);
  if (op === undefined) byKey.set(key, (op = kind === 'layernorm' ? layerNormOp(k, eps) : rmsNormOp(k, eps)));
  return op;
}

function layerNormOp(k: TransformerKernels, eps: number): NormFn {
  return customOp<tf.Tensor2D>(([x, w, b], save) => {
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
        return [dx, k.columnSum(tf.mul(g, sxhat) as tf.Tensor2D), k.columnSum(g)];
      },
    };
  });
}

function rmsNormOp(k: TransformerKernels, eps: number): NormFn {
  return customOp<tf.Tensor2D>(([x, w], save) => {
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
        return [dx, k.columnSum(tf.mul(g, sxhat) as tf.Tensor2D)];
      },
    };
  });
}
