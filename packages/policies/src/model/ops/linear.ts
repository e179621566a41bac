import * as tf from '@tensorflow/tfjs-core';
import type { TransformerKernels } from '../../kernels/transformer-kernels';
import { customOp } from './custom-op';

type LinearOp = (...inputs: tf.Tensor[]) => tf.Tensor2D;
const ops = new WeakMap<TransformerKernels, { noBias: LinearOp; bias: LinearOp }>();

/**
 * y = x @ w (+ b) for x [N, in], w [in, out], b [out]: the forward is one untransposed 2-D product (`k.dense`:
 * XNNPACK on wasm, bias fused). The gradient avoids transposed-operand matMuls, which tfjs-wasm runs 10-50x
 * slower: dx = dy @ wT and dw = xT @ dy with explicit transposes; db as a column sum. The caller owns the result.
 */
export function linear(k: TransformerKernels, x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (x.shape[1] !== w.shape[0]) throw new Error(`linear: input [${x.shape.join(', ')}] does not match weight [${w.shape.join(', ')}]`);
  let op = ops.get(k);
  if (op === undefined) {
    op = { noBias: linearOp(k, false), bias: linearOp(k, true) };
    ops.set(k, op);
  }
  return b === undefined ? op.noBias(x, w) : op.bias(x, w, b);
}

function linearOp(k: TransformerKernels, withBias: boolean): LinearOp {
  return customOp<tf.Tensor2D>(([x, w, b], save) => {
    save([x, w]);
    return {
      value: withBias ? k.dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D) : tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
      gradFunc: (dy, saved) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dx = tf.matMul(dy, k.transposeLast(sw)) as tf.Tensor2D;
        const dw = weightGrad(k, dy, sx);
        return withBias ? [dx, dw, k.columnSum(dy)] : [dx, dw];
      },
    };
  });
}

/**
 * dw = xT @ dy. XNNPACK packs the right operand of every product anew when it is a fresh tensor, at ~4 ns per
 * element (a strided read), while a SIMD transpose costs ~1 ns per element: so the wider of x and dy is
 * transposed and the narrower is packed (dw = xT @ dy, or dw = (dyT @ x)T; measured 15-20% faster than the
 * reverse on [1024, 128] x [1024, 512]).
 */
function weightGrad(k: TransformerKernels, dy: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  return x.shape[1] <= dy.shape[1] ? k.transposeLast(tf.matMul(k.transposeLast(dy), x) as tf.Tensor2D) : (tf.matMul(k.transposeLast(x), dy) as tf.Tensor2D);
}
