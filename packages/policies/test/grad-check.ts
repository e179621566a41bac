import * as tf from '@tensorflow/tfjs-core';

/**
 * Compares analytic gradients of a scalar function with central finite differences at `samples` random
 * coordinates of each input. Returns the worst |analytic - numeric| / max(1, |numeric|). Float32 arithmetic,
 * so keep functions O(1) and eps around 1e-2 (truncation ~eps^2, rounding ~1e-7/eps).
 */
export function maxGradientError(
  f: (...inputs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  options: { eps?: number; samples?: number; seed?: number } = {},
): number {
  const eps = options.eps ?? 1e-2;
  const samples = options.samples ?? 12;
  let seed = options.seed ?? 1;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const analytic = tf.tidy(() =>
    tf
      .grads(f)(inputs)
      .map((g) => g.dataSync().slice()),
  );
  const value = (vals: Float32Array[]): number => tf.tidy(() => f(...vals.map((v, i) => tf.tensor(v, inputs[i].shape, 'float32'))).dataSync()[0]);
  const base = inputs.map((t) => t.dataSync().slice() as Float32Array);
  let worst = 0;
  inputs.forEach((t, i) => {
    for (let s = 0; s < Math.min(samples, t.size); s++) {
      const j = Math.floor(rand() * t.size);
      const plus = base.map((b) => b.slice());
      const minus = base.map((b) => b.slice());
      plus[i][j] += eps;
      minus[i][j] -= eps;
      const numeric = (value(plus) - value(minus)) / (2 * eps);
      worst = Math.max(worst, Math.abs(analytic[i][j] - numeric) / Math.max(1, Math.abs(numeric)));
    }
  });
  return worst;
}

/** A fixed pseudo-random tensor (values in [-scale, scale]). */
export function fixedRandom(shape: number[], seed: number, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = (2 * (s / 2147483648) - 1) * scale;
  }
  return tf.tensor(data, shape);
}
