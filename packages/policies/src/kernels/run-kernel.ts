import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs the kernel registered as `name` on the active backend (tfjs's engine dispatch, with the gradient
 * registered for that name when the call is taped). The kernel sets call their own `Srl*` kernels through it.
 * The caller owns the result (one tensor, or an array for kernels with several outputs).
 */
export function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object = {}): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap);
}
