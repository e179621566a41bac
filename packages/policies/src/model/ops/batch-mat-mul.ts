import * as tf from '@tensorflow/tfjs-core';
import { SRL_BATCH_MATMUL, useWasmKernels } from '../../backend/wasm-kernels';
import { transposeLast } from './transpose-last';

let gradientRegistered = false;

/**
 * a [n, M, K] @ b [n, K, N] -> [n, M, N], differentiable. On wasm it runs XNNPACK per batch entry (tfjs runs a
 * naive loop for batched products, ~6x slower) and its gradient uses explicit transposes (transposed operands
 * also take the naive loop). Elsewhere tf.matMul. The caller owns the result.
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new Error(`batchMatMul: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not multiply`);
  }
  if (!useWasmKernels()) return tf.matMul(a, b);
  if (!gradientRegistered) {
    tf.registerGradient({
      kernelName: SRL_BATCH_MATMUL,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
        return {
          a: () => batchMatMul(dy as tf.Tensor3D, transposeLast(sb)),
          b: () => batchMatMul(transposeLast(sa), dy as tf.Tensor3D),
        };
      },
    });
    gradientRegistered = true;
  }
  return tf.engine().runKernel(SRL_BATCH_MATMUL, { a, b }, {}) as tf.Tensor3D;
}
