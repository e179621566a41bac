import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';

export interface TokenLogProbs {
  /** log p(target) at each row, differentiable with respect to the logits [N]. */
  logprobs: tf.Tensor1D;
  /** Entropy of each row's distribution [N]; treated as a constant (no gradient flows through it). */
  entropies: tf.Tensor1D;
}

/**
 * Log-probabilities of `targets` under softmax(logits / temperature) for logits [N, V], plus each row's entropy
 * (temperature 1 by default; 0 means 1; TRL and verl score at the sampling temperature the same way).
 * log p = x_t - lse with lse = max(x) - log(max(softmax(x))): softmax runs on XNNPACK on wasm, where exp and
 * logSoftmax are scalar loops ~8x slower, and max(softmax) >= 1/V never underflows. The gradient is
 * dy * (onehot(target) - softmax). The caller owns both results.
 */
export function tokenLogProbs(logits: tf.Tensor2D, targets: Int32Array, temperature = 1): TokenLogProbs {
  const [N, V] = logits.shape;
  if (targets.length !== N) throw new Error(`tokenLogProbs: ${targets.length} targets for ${N} rows`);
  for (const t of targets) if (!(t >= 0 && t < V)) throw new RangeError(`tokenLogProbs: target ${t} is outside [0, ${V})`);
  const op = customOp<tf.Tensor2D>(([x], save) => {
    const logitsIn = x as tf.Tensor2D;
    const p = tf.softmax(logitsIn);
    // tfjs-wasm's OneHot ignores dtype and writes int32 bits into a float32 tensor: build int32, then cast.
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), V), 'float32');
    const lse = tf.sub(tf.max(logitsIn, -1), tf.log(tf.max(p, -1)));
    const target = tf.sum(tf.mul(logitsIn, oneHot), -1);
    const logprobs = tf.sub(target, lse);
    const entropies = tf.sub(lse, tf.sum(tf.mul(p, logitsIn), -1));
    save([p, oneHot]);
    return {
      // [2, N]: row 0 log-probs, row 1 entropies.
      value: tf.stack([logprobs, entropies]) as tf.Tensor2D,
      gradFunc: (dy, saved) => {
        const [sp, sOneHot] = saved;
        const g = tf.reshape(tf.slice(dy, [0, 0], [1, N]), [N, 1]);
        return [tf.mul(g, tf.sub(sOneHot, sp))];
      },
    };
  });
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new RangeError(`tokenLogProbs: temperature ${temperature}, expected a finite number >= 0`);
  return tf.tidy(() => {
    // Dividing before the op lets autodiff carry the 1/T factor of the gradient.
    const both = op(temperature === 1 || temperature === 0 ? logits : tf.div(logits, temperature));
    const [logprobs, entropies] = tf.unstack(both) as [tf.Tensor1D, tf.Tensor1D];
    return { logprobs, entropies };
  });
}
