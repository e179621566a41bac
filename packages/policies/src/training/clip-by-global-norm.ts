import * as tf from '@tensorflow/tfjs-core';

/**
 * The global L2 norm of `grads` and, when `maxNorm` > 0 and the norm exceeds it, the gradients scaled by
 * maxNorm / (norm + 1e-6) (PyTorch's clip_grad_norm_). `clipped` is `grads` itself when nothing was scaled;
 * otherwise new tensors the caller disposes. A non-finite norm is returned as is, with `grads` unscaled.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { norm: number; clipped: tf.Tensor[] } {
  const norm = Math.sqrt(tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
  if (!(maxNorm > 0) || !Number.isFinite(norm) || norm <= maxNorm) return { norm, clipped: grads };
  const scale = maxNorm / (norm + 1e-6);
  return { norm, clipped: grads.map((g) => tf.mul(g, scale)) };
}
