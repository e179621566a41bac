import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';

/** 2 * sqrt(2 / pi): 0.5 * (1 + tanh(z)) = sigmoid(2z). */
const K = 2 * Math.sqrt(2 / Math.PI);
const C = 0.044715;

/**
 * GPT-2's GELU (the tanh approximation, Hugging Face `gelu_new`): x * 0.5 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))),
 * computed as x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)): tanh is a scalar loop on wasm (~17x slower than the
 * XNNPACK sigmoid). Custom gradient: dy * (s + x s (1 - s) K (1 + 3 C x^2)). The caller owns the result.
 */
export const gelu: (x: tf.Tensor2D) => tf.Tensor2D = customOp<tf.Tensor2D>(([x], save) => {
  const x2 = tf.square(x);
  const s = tf.sigmoid(tf.mul(tf.mul(x, tf.add(tf.mul(x2, C), 1)), K));
  save([x, x2, s]);
  return {
    value: tf.mul(x, s) as tf.Tensor2D,
    gradFunc: (dy, saved) => {
      const [sx, sx2, ss] = saved;
      const inner = tf.mul(tf.add(tf.mul(sx2, 3 * C * K), K), tf.mul(sx, tf.sub(ss, tf.square(ss))));
      return [tf.mul(dy, tf.add(ss, inner))];
    },
  };
});
