import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';
import { transposeLast } from './transpose-last';

/**
 * y = x @ w (+ b) for x [N, in], w [in, out], b [out]: the forward is one untransposed 2-D product (XNNPACK on
 * wasm, bias fused). The gradient avoids transposed-operand matMuls, which tfjs-wasm runs 10-50x slower:
 * dx = dy @ wT and dw = xT @ dy with explicit (blocked) transposes; db = 1 @ dy (a product, not a column sum,
 * which wasm also runs slowly). The caller owns the result.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (x.shape[1] !== w.shape[0]) throw new Error(`linear: input [${x.shape.join(', ')}] does not match weight [${w.shape.join(', ')}]`);
  if (b === undefined) return linearNoBias(x, w);
  return linearBias(x, w, b);
}

const linearNoBias = customOp<tf.Tensor2D>(([x, w], save) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return linearGrads(dy, sx, sw);
    },
  };
});

const linearBias = customOp<tf.Tensor2D>(([x, w, b], save) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }) as tf.Tensor2D,
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const [dx, dw] = linearGrads(dy, sx, sw);
      const db = tf.reshape(tf.matMul(tf.ones([1, dy.shape[0]]), dy), [dy.shape[1]]);
      return [dx, dw, db];
    },
  };
});

function linearGrads(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const dx = tf.matMul(dy, transposeLast(w)) as tf.Tensor2D;
  // dw = xT @ dy; transpose whichever activation is narrower (then, if it was dy, transpose the small result).
  const dw = x.shape[1] <= dy.shape[1] ? (tf.matMul(transposeLast(x), dy) as tf.Tensor2D) : transposeLast(tf.matMul(transposeLast(dy), x) as tf.Tensor2D);
  return [dx, dw];
}
