/**
 * The kernel set for the native `tensorflow` backend (tfjs-node): public tfjs ops and stock kernels only, arranged
 * for a backend where every kernel is a call across N-API into TensorFlow and tfjs-core's op wrappers add more:
 * tf.matMul reshapes both operands to 3-D and the result back, and a reshape on tfjs-node is itself three calls
 * (a shape tensor, the op, a dispose). Here products run the stock BatchMatMul kernel on the operands as they are
 * (TensorFlow's BatchMatMulV2 takes rank-2 and transposed operands): a linear layer is 1-2 kernels instead of ~10
 * (20-odd N-API calls), and the gradient's transposes are the product's flags. Everything else is the reference set.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../model/ops/custom-op';
import { referenceKernels } from './reference-kernels';
import type { TransformerKernels } from './transformer-kernels';

function product<T extends tf.Tensor>(a: T, b: T, transposeA = false, transposeB = false): T {
  return tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA, transposeB }) as T;
}

/**
 * a [n, M, K] @ b [n, K, N], differentiable, with the gradient as two more products with transposed operands
 * (dA = dy bT, dB = aT dy). The stock BatchMatMul gradient goes through tf.matMul, three reshapes per product.
 */
const batchProduct = customOp<tf.Tensor3D>(([a, b], save) => {
  save([a, b]);
  return {
    value: product(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy, [sa, sb]) => [product(dy, sb as tf.Tensor3D, false, true), product(sa as tf.Tensor3D, dy, true, false)],
  };
});

/**
 * softmax(q kT + mask) v as one custom op (`TransformerKernels.maskedAttention`). Its gradient uses
 * rowsum(dP * P) = rowsum(dO * O) (as FlashAttention does): dS = P * (dP - rowsum(dO * O)) is two passes over the
 * scores instead of the four of the softmax gradient, and the products take their transposes as flags.
 */
function maskedAttention(q: tf.Tensor3D, kT: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D {
  const op = customOp<tf.Tensor3D>(([qi, ki, vi], save) => {
    const scores = product(qi as tf.Tensor3D, ki as tf.Tensor3D);
    let probs: tf.Tensor3D;
    if (mask.rank === 2) probs = tf.softmax(tf.add(scores, mask)) as tf.Tensor3D;
    else {
      const [B, R, S] = mask.shape as [number, number, number];
      const h = scores.shape[0] / B;
      probs = tf.reshape(tf.softmax(tf.add(tf.reshape(scores, [B, h, R, S]), tf.reshape(mask, [B, 1, R, S]))), scores.shape) as tf.Tensor3D;
    }
    const out = product(probs, vi as tf.Tensor3D);
    save([qi, ki, vi, probs, out]);
    return {
      value: out,
      gradFunc: (dO, [sq, sk, sv, sp, so]) => {
        const [q3, k3, v3, p3] = [sq, sk, sv, sp] as tf.Tensor3D[];
        const dP = product(dO, v3, false, true); // [n, R, S]
        const dS = tf.mul(p3, tf.sub(dP, tf.sum(tf.mul(dO, so), -1, true))) as tf.Tensor3D;
        return [product(dS, k3, false, true), product(q3, dS, true, false), product(p3, dO, true, false)];
      },
    };
  });
  return op(q, kT, v);
}

export const tensorflowKernels: TransformerKernels = {
  ...referenceKernels,
  name: 'tensorflow',
  backend: 'tensorflow',
  matMul: (a, b, transposeA = false, transposeB = false) => product(a, b, transposeA, transposeB),
  dense: (x, w, b) => (b === undefined ? product(x, w) : (tf.add(product(x, w), b) as tf.Tensor2D)),
  batchMatMul: (a, b) => batchProduct(a, b),
  maskedAttention,
  // One Sum kernel (TensorFlow's reduction is fast natively) instead of a product with ones and a reshape.
  columnSum: (x) => tf.sum(x, 0) as tf.Tensor1D,
  // TensorFlow's UnsortedSegmentSum: no read-back of the gradient to sum it on the CPU.
  scatterAddRows: (dy, rows, V) => tf.tidy(() => tf.unsortedSegmentSum(dy, tf.tensor1d(rows, 'int32'), V)),
  // AdamW in one pass over all parameters: ~30 kernel calls a step instead of ~14 per parameter.
  optimizerLayout: 'flat',
  // oneDNN prepares a primitive per new product shape (10-20% of a step when every step brings new lengths).
  lengthBucket: 32,
};
