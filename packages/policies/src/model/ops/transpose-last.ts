import * as tf from '@tensorflow/tfjs-core';
import { SRL_TRANSPOSE, useWasmKernels } from '../../backend/wasm-kernels';

let gradientRegistered = false;

/**
 * Swaps the last two axes of a rank-2 or rank-3 tensor ([R, C] -> [C, R], [n, R, C] -> [n, C, R]).
 * On wasm a blocked copy (2x faster than tf.transpose there); elsewhere tf.transpose. Differentiable.
 * The caller owns (disposes) the result.
 */
export function transposeLast<T extends tf.Tensor2D | tf.Tensor3D>(x: T): T {
  if (x.rank !== 2 && x.rank !== 3) throw new Error(`transposeLast: expected rank 2 or 3, got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32' || !useWasmKernels()) return tf.transpose(x, x.rank === 2 ? [1, 0] : [0, 2, 1]) as T;
  if (!gradientRegistered) {
    tf.registerGradient({ kernelName: SRL_TRANSPOSE, gradFunc: (dy) => ({ x: () => transposeLast(dy as tf.Tensor3D) }) });
    gradientRegistered = true;
  }
  return tf.tidy(() => {
    const x3 = x.rank === 2 ? tf.reshape(x, [1, x.shape[0], x.shape[1]]) : x;
    const out = tf.engine().runKernel(SRL_TRANSPOSE, { x: x3 }, {}) as tf.Tensor3D;
    return (x.rank === 2 ? tf.reshape(out, [x.shape[1], x.shape[0]]) : out) as T;
  });
}
