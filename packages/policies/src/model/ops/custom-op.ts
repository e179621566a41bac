import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';

/** What a custom op's body returns: its value and the gradient of each input given dy. */
export interface CustomOpBody<T extends tf.Tensor> {
  value: T;
  gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[];
}

/**
 * A typed wrapper over tf.customGrad: `body(inputs, save)` runs inside tidy (intermediates are freed), tensors
 * passed to `save` are kept for the gradient, and `gradFunc` returns one gradient per input.
 */
export function customOp<T extends tf.Tensor>(body: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomOpBody<T>): (...inputs: tf.Tensor[]) => T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args.pop() as tf.GradSaveFunc;
    const { value, gradFunc } = body(args as tf.Tensor[], save);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => gradFunc(dy as T, saved) };
  });
  return (...inputs: tf.Tensor[]) => op(...inputs) as T;
}
