import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';
import { transposeLast } from './transpose-last';

/**
 * y = x @ w (+ b) for x [N, in], w [in, out], b [out]: the forward is one untransposed 2-D product (XNNPACK on
 * wasm, bias fused). The gradient avoids transposed-operand matMuls, which tfjs-wasm runs 10-50x slower:
 * dx = dy @ wT and dw = xT @ dy with explicit (blocked) transposes; db as a product with ones (a column sum is a
 * slow loop on wasm too). The caller owns the result.
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
      const { dw } = weightGrads(dy, sx, false);
      return [inputGrad(dy, sw), dw];
    },
  };
});

const linearBias = customOp<tf.Tensor2D>(([x, w, b], save) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }) as tf.Tensor2D,
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const { dw, db } = weightGrads(dy, sx, true);
      return [inputGrad(dy, sw), dw, db as tf.Tensor1D];
    },
  };
});

/** dx = dy @ wT. */
function inputGrad(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(dy, transposeLast(w)) as tf.Tensor2D;
}

/**
 * dw = xT @ dy and db = column sums of dy. XNNPACK packs the right operand of every product anew when it is a
 * fresh tensor (~2 ms for [1024, 512]), so each activation is packed once: with x narrower than dy, a row of
 * ones rides along with xT ([xT; 1] @ dy gives dw and db together); otherwise dy is transposed instead and
 * dwT = dyT @ x, db = dyT @ 1.
 */
function weightGrads(dy: tf.Tensor2D, x: tf.Tensor2D, withBias: boolean): { dw: tf.Tensor2D; db?: tf.Tensor1D } {
  const [N, inp] = x.shape;
  const out = dy.shape[1];
  if (inp <= out) {
    const xT = transposeLast(x);
    if (!withBias) return { dw: tf.matMul(xT, dy) as tf.Tensor2D };
    const both = tf.matMul(tf.concat([xT, tf.ones([1, N])], 0), dy) as tf.Tensor2D; // [in + 1, out]
    const [dw, db] = tf.split(both, [inp, 1], 0) as tf.Tensor2D[];
    return { dw, db: tf.reshape(db, [out]) as tf.Tensor1D };
  }
  const dyT = transposeLast(dy);
  const dw = transposeLast(tf.matMul(dyT, x) as tf.Tensor2D);
  return withBias ? { dw, db: tf.reshape(tf.matMul(dyT, tf.ones([N, 1])), [out]) as tf.Tensor1D } : { dw };
}
