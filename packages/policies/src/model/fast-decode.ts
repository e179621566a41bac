import * as tf from '@tensorflow/tfjs-core';
import { SRL_DECODE_ATTENTION, SRL_DECODE_QKV } from '../backend/wasm-decode-kernels';
import { InferenceOps } from './inference-ops';
import type { KvCache } from './kv-cache';
import type { ResolvedWeights, Transformer } from './transformer';

/**
 * One decoding step on wasm with the inference kernels of wasm-decode-kernels.ts: ~12 kernels per layer instead
 * of ~70 for the same arithmetic (the differentiable path, `Transformer.decode` elsewhere). Same contract as
 * `Transformer.decode`: the newest token of each row is written to the cache; returns logits [R, V]. Call inside
 * tf.tidy. Never differentiated.
 */
export function decodeWasm(model: Transformer, W: ResolvedWeights, cache: KvCache, ids: Int32Array, positions: Int32Array): tf.Tensor2D {
  const c = model.config;
  const { numHeads: H, numKvHeads: Hkv } = c;
  const D = model.headDim;
  const k = new InferenceOps(c);
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  const rope = model.decodeRopeTables(positions);
  const qkvAttrs = { H, Hkv, D, positions, scale: 1 / Math.sqrt(D), ...(rope ?? {}) };
  let [x, h] = k.norm(k.embed(W, ids, positions), W.layers[0].attnNorm);
  W.layers.forEach((layer, i) => {
    const { keys, values } = cache.layer(i);
    const q = run(SRL_DECODE_QKV, { qkv: k.linear(h, layer.qkv), keys, values }, qkvAttrs); // [R*Hkv, G, D]
    const attn = run(SRL_DECODE_ATTENTION, { q, keys, values }, { positions }); // [R, H*D]
    [x, h] = k.norm(x, layer.mlpNorm, k.linear(attn, layer.o));
    [x, h] = k.norm(x, i + 1 < W.layers.length ? W.layers[i + 1].attnNorm : W.finalNorm, k.mlp(h, layer));
  });
  return k.linear(h, { w: W.head });
}
