/**
 * Gradients of the stock tfjs kernels this package differentiates through, outside its custom ops.
 *
 * tfjs-core registers no gradients itself: the @tensorflow/tfjs union package imports
 * `@tensorflow/tfjs-core/dist/register_all_gradients`, an ES module tree with extensionless imports that plain
 * Node cannot load (only bundlers can). So the few needed here are registered by this file, each only when no
 * gradient is registered for that kernel yet (a process that loaded @tensorflow/tfjs keeps its own).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

type Grads = Record<string, () => Tensor>;

/** Sums a broadcast gradient back to `shape`. */
function unbroadcast(dy: Tensor, shape: number[]): Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return axes.length > 0 ? tf.reshape(tf.sum(dy, axes), shape) : dy;
}

const floatMask = (t: Tensor): Tensor => tf.cast(t, 'float32');

const configs: GradConfig[] = [
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => dy as Tensor }) },
  { kernelName: 'Cast', inputsToSave: ['x'], gradFunc: (dy) => ({ x: () => tf.clone(dy as Tensor) }) },
  { kernelName: 'Reshape', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as Tensor, x.shape) }) },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = (attrs as NamedAttrMap).perm as number[];
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy as Tensor, inverse) };
    },
  },
  {
    kernelName: 'Add',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as Tensor, a.shape), b: () => unbroadcast(dy as Tensor, b.shape) }),
  },
  {
    kernelName: 'Sub',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as Tensor, a.shape), b: () => unbroadcast(tf.neg(dy as Tensor), b.shape) }),
  },
  {
    kernelName: 'Multiply',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.mul(dy as Tensor, tf.cast(b, 'float32')), a.shape),
      b: () => unbroadcast(tf.mul(dy as Tensor, tf.cast(a, 'float32')), b.shape),
    }),
  },
  {
    kernelName: 'AddN',
    saveAllInputs: true,
    gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [String(i), () => tf.clone(dy as Tensor)])) as Grads,
  },
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as Tensor) }) },
  { kernelName: 'Exp', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as Tensor, y) }) },
  {
    kernelName: 'Sigmoid',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as Tensor, tf.mul(y, tf.sub(1, y))) }),
  },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as NamedAttrMap).axis as number | number[], x.shape);
      const kept = tf.backend_util.expandShapeToKeepDim((dy as Tensor).shape, axes);
      return { x: () => tf.mul(tf.reshape(dy as Tensor, kept), tf.onesLike(x)) };
    },
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as NamedAttrMap).axis as number | number[], x.shape);
      const kept = tf.backend_util.expandShapeToKeepDim((dy as Tensor).shape, axes);
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.mul(tf.reshape(tf.div(dy as Tensor, count), kept), tf.onesLike(x)) };
    },
  },
  { kernelName: 'Square', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.mul(x, 2)) }) },
  { kernelName: 'Log', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as Tensor, x) }) },
  {
    kernelName: 'RealDiv',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.div(dy as Tensor, b), a.shape),
      b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy as Tensor, a), tf.square(b))), b.shape),
    }),
  },
  {
    kernelName: 'Softmax',
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => {
      const dim = (attrs as NamedAttrMap).dim as number;
      const dyTimesY = tf.mul(dy as Tensor, y);
      return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y)) };
    },
  },
  {
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { clipValueMin, clipValueMax } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
      return { x: () => tf.mul(dy as Tensor, floatMask(tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)))) };
    },
  },
  {
    kernelName: 'Minimum',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.mul(dy as Tensor, floatMask(tf.lessEqual(a, b))), a.shape),
      b: () => unbroadcast(tf.mul(dy as Tensor, floatMask(tf.greater(a, b))), b.shape),
    }),
  },
  {
    kernelName: 'SplitV',
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as Tensor[], (attrs as NamedAttrMap).axis as number) }),
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const [begin, size] = tf.slice_util.parseSliceParams(x, (attrs as NamedAttrMap).begin as number[], (attrs as NamedAttrMap).size as number[]);
      return {
        x: () =>
          tf.pad(
            dy as Tensor,
            begin.map((b, i) => [b, x.shape[i] - b - size[i]] as [number, number]),
          ),
      };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam((attrs as NamedAttrMap).axis as number, saved[0].shape)[0];
      const parts = tf.split(
        dy as Tensor,
        saved.map((t) => t.shape[axis]),
        axis,
      );
      return Object.fromEntries(parts.map((p, i) => [String(i), () => p])) as Grads;
    },
  },
  { kernelName: 'Unpack', gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(dy as Tensor[], (attrs as NamedAttrMap).axis as number) }) },
  {
    kernelName: 'Pack',
    gradFunc: (dy, _saved, attrs) => {
      const parts = tf.unstack(dy as Tensor, (attrs as NamedAttrMap).axis as number);
      return Object.fromEntries(parts.map((p, i) => [String(i), () => p])) as Grads;
    },
  },
  {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const g = dy as Tensor;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, b, false, false), b: () => tf.matMul(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g, false, false) };
      return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
    },
  },
];

let registered = false;

/** Registers the gradients above where none is registered (idempotent). */
export function registerGradients(): void {
  if (registered) return;
  for (const c of configs) if (tf.getGradient(c.kernelName) === undefined) tf.registerGradient(c);
  registered = true;
}

registerGradients();
