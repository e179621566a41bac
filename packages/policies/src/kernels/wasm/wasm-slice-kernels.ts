/**
 * Replacements for tfjs-backend-wasm 4.22's `Slice` and `SplitV` on 4-byte tensors (float32, int32): the same
 * values, copied within the wasm heap. The stock kernel first copies the whole input off the heap (`readSync`
 * is a `slice()` of it), then copies the part one innermost row at a time through a new typed-array view per
 * row. A train step's splits and slices were 5-9% of a quickstart-shaped SRL step on wasm: a split of
 * [32, 612, 16] along axis 1 (the gradient of the concatenated keys of prompt and completion) took 7-8 ms,
 * a slice of [512, 460] out of [512, 612] 1.3 ms. Here the axes that a slice takes whole, after the last one it
 * cuts, merge into one contiguous run, and each run is one `copyWithin` of the heap. Other dtypes (bool, string,
 * complex) keep the stock kernels. Registered process-wide by wasm-kernels.ts, as the `Identity` replacement.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmInternals, type WasmInternals } from './wasm-internals';

type MakeOutput = (shape: number[], dtype: DataType) => TensorInfo;

/** Byte offset of a tensor's data on the heap. */
const offsetOf = (be: WasmInternals, t: TensorInfo): number => (be.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;

/**
 * x[begin : begin + size] (begin and size resolved, in range) for a 4-byte dtype, as a new tensor.
 */
export function heapSlice(be: WasmInternals, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = (be.makeOutput as unknown as MakeOutput)(size, x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const heap = new Int32Array(be.wasm.HEAPF32.buffer);
  const rank = x.shape.length;
  // The run: the innermost axes the slice takes whole, plus the innermost axis it cuts.
  let cut = rank - 1;
  let run = 1;
  while (cut > 0 && begin[cut] === 0 && size[cut] === x.shape[cut]) run *= x.shape[cut--];
  run *= size[cut];
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * x.shape[a + 1];
  const src = offsetOf(be, x) >>> 2;
  let dst = offsetOf(be, out) >>> 2;
  let start = src + begin.reduce((s, b, a) => s + b * strides[a], 0);
  if (cut === 0) {
    heap.copyWithin(dst, start, start + run);
    return out;
  }
  // An odometer over the axes before `cut`.
  const index = new Array<number>(cut).fill(0);
  const runs = count / run;
  for (let r = 0; r < runs; r++) {
    heap.copyWithin(dst, start, start + run);
    dst += run;
    for (let a = cut - 1; a >= 0; a--) {
      if (++index[a] < size[a]) {
        start += strides[a];
        break;
      }
      index[a] = 0;
      start -= (size[a] - 1) * strides[a];
    }
  }
  return out;
}

/**
 * A kernel that runs `body` on float32 and int32 tensors of rank >= 1 on the wasm backend, and `stock` (the kernel
 * it replaces) on anything else.
 */
function replacing(stock: KernelFunc, body: (be: WasmInternals, x: TensorInfo, attrs: NamedAttrMap) => TensorInfo | TensorInfo[]): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const be = wasmInternals(args.backend);
    if (be === null || (x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length === 0) return stock(args);
    return body(be, x, args.attrs as NamedAttrMap);
  };
}

/** `Slice` on wasm, given the stock kernel for the dtypes it leaves alone. */
export const slicing = (stock: KernelFunc): KernelFunc =>
  replacing(stock, (be, x, attrs) => {
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
    tf.slice_util.assertParamsValid(x as tf.Tensor, begin, size);
    return heapSlice(be, x, begin, size);
  });

/** `SplitV` on wasm, given the stock kernel for the dtypes it leaves alone. */
export const splitting = (stock: KernelFunc): KernelFunc =>
  replacing(stock, (be, x, attrs) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const part = heapSlice(be, x, [...begin], size);
      begin[axis] += s;
      return part;
    });
  });
