import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';
import type { TransformerKernels } from '../../kernels/transformer-kernels';

/** 'rows': the table is [V, C] (one row per token); 'columns': [C, V] (a tied embedding kept as the output layer). */
export type EmbeddingLayout = 'rows' | 'columns';

/**
 * The vectors of `ids` -> [ids.length, C], differentiable with respect to the table. tfjs-wasm has no gradient
 * for gather (UnsortedSegmentSum is missing), so the gradient is a scatter-add on the CPU: the incoming gradient
 * [N, C] is read back and summed into a dense table-shaped tensor (a kernel set's `scatterAddRows` instead where it
 * has one: TensorFlow's UnsortedSegmentSum on the tensorflow set). The forward is `k.gatherRows` (a copy on
 * wasm, where tf.gather costs ~4 us per row). Throws RangeError on an id outside [0, V). The caller owns the result.
 */
export function embedding(k: TransformerKernels, table: tf.Tensor2D, ids: Int32Array, layout: EmbeddingLayout = 'rows'): tf.Tensor2D {
  const [V, C] = layout === 'rows' ? table.shape : [table.shape[1], table.shape[0]];
  for (const id of ids) if (!(id >= 0 && id < V)) throw new RangeError(`embedding: token id ${id} is outside [0, ${V})`);
  const op = customOp<tf.Tensor2D>(([t]) => ({
    value: layout === 'rows' ? k.gatherRows(t as tf.Tensor2D, ids) : k.gatherColumns(t as tf.Tensor2D, ids),
    gradFunc: (dy) => {
      if (layout === 'rows' && k.scatterAddRows !== null) return [k.scatterAddRows(dy, ids, V)];
      const g = dy.dataSync() as Float32Array;
      const dt = new Float32Array(V * C);
      for (let i = 0; i < ids.length; i++) {
        const src = i * C;
        if (layout === 'rows') {
          const dst = ids[i] * C;
          for (let c = 0; c < C; c++) dt[dst + c] += g[src + c];
        } else {
          for (let c = 0, dst = ids[i]; c < C; c++, dst += V) dt[dst] += g[src + c];
        }
      }
      return [tf.tensor2d(dt, table.shape)];
    },
  }));
  return op(table);
}
