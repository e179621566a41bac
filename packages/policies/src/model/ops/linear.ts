import type * as tf from '@tensorflow/tfjs-core';
import type { TransformerKernels } from '../../kernels/transformer-kernels';
import { customOp } from './custom-op';

type LinearOp = (...inputs: tf.Tensor[]) => tf.Tensor2D;
const ops = new WeakMap<TransformerKernels, { noBias: LinearOp; bias: LinearOp }>();

/**
 * y = x @ w (+ b) for x [N, in], w [in, out], b [out]: the forward is one untransposed 2-D product (`k.dense`:
 * XNNPACK on wasm, bias fused). Gradient: dx = dy @ wT, dw = xT @ dy (`k.matMul` with transposed operands, which
 * each kernel set runs its own way), db a column sum. The caller owns the result.
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
      value: withBias ? k.dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D) : k.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
      gradFunc: (dy, saved) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dx = k.matMul(dy, sw, false, true); // dy @ wT
        const dw = k.matMul(sx, dy, true, false); // xT @ dy
        return withBias ? [dx, dw, k.columnSum(dy)] : [dx, dw];
      },
    };
  });
}
