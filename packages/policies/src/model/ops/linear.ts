import * as tf from '@tensorflow/tfjs-core';
import { SRL_DENSE, useWasmKernels } from '../../backend/wasm-kernels';
import { customOp } from './custom-op';
import { columnSum } from './norms';
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
    value: denseBias(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const { dw, db } = weightGrads(dy, sx, true);
      return [inputGrad(dy, sw), dw, db as tf.Tensor1D];
    },
  };
});

/**
 * x @ w + b with the bias fused into the product (one XNNPACK call on wasm: the SrlDense kernel), calling the
 * kernel directly: the tf.fused.matMul op wraps it in its own custom gradient, which costs ~130 us per call on
 * wasm (as much as a [16, 128] x [128, 384] product). Not differentiable; the caller owns the result.
 */
export function denseBias(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (useWasmKernels()) return tf.engine().runKernel(SRL_DENSE, b === undefined ? { a: x, b: w } : { a: x, b: w, bias: b }, {}) as tf.Tensor2D;
  if (b === undefined) return tf.matMul(x, w);
  return tf.tidy(() => {
    const a3 = tf.reshape(x, [1, x.shape[0], x.shape[1]]);
    const b3 = tf.reshape(w, [1, w.shape[0], w.shape[1]]);
    const out = tf.engine().runKernel('_FusedMatMul', { a: a3, b: b3, bias: b }, { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 }) as tf.Tensor;
    return tf.reshape(out, [x.shape[0], w.shape[1]]) as tf.Tensor2D;
  });
}

/** dx = dy @ wT. */
function inputGrad(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(dy, transposeLast(w)) as tf.Tensor2D;
}

/**
 * dw = xT @ dy and db = column sums of dy. XNNPACK packs the right operand of every product anew when it is a
 * fresh tensor, at ~4 ns per element (a strided read), while a SIMD transpose costs ~1 ns per element: so the
 * wider of x and dy is transposed and the narrower is packed (dw = xT @ dy, or dw = (dyT @ x)T; measured 15-20%
 * faster than the reverse on [1024, 128] x [1024, 512]).
 */
function weightGrads(dy: tf.Tensor2D, x: tf.Tensor2D, withBias: boolean): { dw: tf.Tensor2D; db?: tf.Tensor1D } {
  const dw = x.shape[1] <= dy.shape[1] ? transposeLast(tf.matMul(transposeLast(dy), x) as tf.Tensor2D) : (tf.matMul(transposeLast(x), dy) as tf.Tensor2D);
  return withBias ? { dw, db: columnSum(dy) } : { dw };
}
