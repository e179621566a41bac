import * as tf from '@tensorflow/tfjs-core';
import { registerWasmHeadKernels, SRL_JOIN_QKV, SRL_MERGE_HEADS, SRL_SPLIT_QKV, SRL_UNMERGE_HEADS, type HeadDims } from '../../backend/wasm-head-kernels';
import { useWasmKernels } from '../../backend/wasm-kernels';

export type { HeadDims };

let gradientsRegistered = false;

function useKernels(): boolean {
  if (!useWasmKernels()) return false;
  registerWasmHeadKernels();
  if (!gradientsRegistered) {
    const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor | tf.Tensor[] => tf.engine().runKernel(name, inputs, attrs);
    tf.registerGradient({
      kernelName: SRL_SPLIT_QKV,
      gradFunc: (dy, _s, attrs) => {
        const [q, kT, v] = dy as tf.Tensor[];
        return { x: () => run(SRL_JOIN_QKV, { q, kT, v }, attrs as tf.NamedAttrMap) as tf.Tensor };
      },
    });
    tf.registerGradient({
      kernelName: SRL_JOIN_QKV,
      gradFunc: (dy, _s, attrs) => {
        const parts = (): tf.Tensor[] => run(SRL_SPLIT_QKV, { x: dy as tf.Tensor }, attrs as tf.NamedAttrMap) as tf.Tensor[];
        return { q: () => parts()[0], kT: () => parts()[1], v: () => parts()[2] };
      },
    });
    tf.registerGradient({ kernelName: SRL_MERGE_HEADS, gradFunc: (dy, _s, attrs) => ({ x: () => run(SRL_UNMERGE_HEADS, { x: dy as tf.Tensor }, attrs as tf.NamedAttrMap) as tf.Tensor }) });
    tf.registerGradient({ kernelName: SRL_UNMERGE_HEADS, gradFunc: (dy, _s, attrs) => ({ x: () => run(SRL_MERGE_HEADS, { x: dy as tf.Tensor }, attrs as tf.NamedAttrMap) as tf.Tensor }) });
    gradientsRegistered = true;
  }
  return true;
}

/**
 * The fused projection qkv [B*T, (H + 2*Hkv) * D] (query heads, then key heads, then value heads) in the layouts
 * attention multiplies: q [B*Hkv, G*T, D] (query head h = j*G + g grouped under KV head j, i.e. [B, H, T, D]),
 * kT [B*Hkv, D, T] (keys transposed) and v [B*Hkv, T, D]. Differentiable; the caller owns the results.
 */
export function splitQkv(qkv: tf.Tensor2D, d: HeadDims): { q: tf.Tensor3D; kT: tf.Tensor3D; v: tf.Tensor3D } {
  const { B, T, H, Hkv, D } = d;
  const G = H / Hkv;
  if (qkv.shape[0] !== B * T || qkv.shape[1] !== (H + 2 * Hkv) * D) throw new Error(`splitQkv: [${qkv.shape.join(', ')}] does not match ${JSON.stringify(d)}`);
  if (useKernels()) {
    const [q, kT, v] = tf.engine().runKernel(SRL_SPLIT_QKV, { x: qkv }, { ...d } as unknown as tf.NamedAttrMap) as tf.Tensor3D[];
    return { q, kT, v };
  }
  return tf.tidy(() => {
    const [q, k, v] = tf.split(qkv, [H * D, Hkv * D, Hkv * D], 1);
    return {
      q: tf.reshape(tf.transpose(tf.reshape(q, [B, T, H, D]), [0, 2, 1, 3]), [B * Hkv, G * T, D]) as tf.Tensor3D,
      kT: tf.reshape(tf.transpose(tf.reshape(k, [B, T, Hkv, D]), [0, 2, 3, 1]), [B * Hkv, D, T]) as tf.Tensor3D,
      v: tf.reshape(tf.transpose(tf.reshape(v, [B, T, Hkv, D]), [0, 2, 1, 3]), [B * Hkv, T, D]) as tf.Tensor3D,
    };
  });
}

/** Attention output o [B*H, T, D] (any grouping of the first axis) -> rows [B*T, H*D]. Differentiable. */
export function mergeHeads(o: tf.Tensor3D, d: HeadDims): tf.Tensor2D {
  const { B, T, H, D } = d;
  if (o.size !== B * H * T * D) throw new Error(`mergeHeads: [${o.shape.join(', ')}] does not match ${JSON.stringify(d)}`);
  if (useKernels()) {
    return tf.tidy(() => tf.engine().runKernel(SRL_MERGE_HEADS, { x: tf.reshape(o, [B * H, T, D]) }, { ...d } as unknown as tf.NamedAttrMap) as tf.Tensor2D);
  }
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(o, [B, H, T, D]), [0, 2, 1, 3]), [B * T, H * D]) as tf.Tensor2D);
}
