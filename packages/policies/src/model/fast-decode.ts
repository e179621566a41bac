import * as tf from '@tensorflow/tfjs-core';
import { registerWasmDecodeKernels, SRL_DECODE_ATTENTION, SRL_DECODE_QKV, SRL_GELU_ARG, SRL_NORM, SRL_PRODUCT } from '../backend/wasm-decode-kernels';
import { decodeMask, MASKED } from './attention';
import type { KvCache } from './kv-cache';
import { gatherColumns, gatherRows } from './ops/embedding';
import { denseBias } from './ops/linear';
import type { ResolvedWeights, Transformer } from './transformer';

type Norm = ResolvedWeights['finalNorm'];
type Linear = ResolvedWeights['layers'][number]['o'];


/**
 * One decoding step on wasm with the inference kernels of wasm-decode-kernels.ts: ~14 kernels per layer instead
 * of ~70 for the same arithmetic (the differentiable path, `Transformer.decode` elsewhere). Same contract as
 * `Transformer.decode`: the newest token of each row is written to the cache; returns logits [R, V]. Call inside
 * tf.tidy. Never differentiated.
 */
export function decodeWasm(model: Transformer, W: ResolvedWeights, cache: KvCache, ids: Int32Array, positions: Int32Array): tf.Tensor2D {
  registerWasmDecodeKernels();
  const c = model.config;
  const { numHeads: H, numKvHeads: Hkv } = c;
  const D = model.headDim;
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}): tf.Tensor | tf.Tensor[] => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap);
  const norm = (x: tf.Tensor, n: Norm, residual?: tf.Tensor): tf.Tensor[] => {
    const inputs: tf.NamedTensorMap = { x, w: n.w };
    if (n.b !== undefined) inputs.b = n.b;
    if (residual !== undefined) inputs.residual = residual;
    const out = run(SRL_NORM, inputs, { kind: c.norm, eps: c.normEps });
    return Array.isArray(out) ? out : [x, out];
  };
  const linear = (x: tf.Tensor, l: Linear): tf.Tensor2D => denseBias(x as tf.Tensor2D, l.w, l.b);

  const rope = model.decodeRopeTables(positions);
  const qkvAttrs = { H, Hkv, D, positions, scale: 1 / Math.sqrt(D), ...(rope ?? {}) };
  let x: tf.Tensor = W.embedLayout === 'columns' ? gatherColumns(W.embed, ids) : gatherRows(W.embed, ids);
  if (W.positions !== undefined) x = tf.add(x, gatherRows(W.positions, positions));
  let h = norm(x, W.layers[0].attnNorm)[1];
  W.layers.forEach((layer, i) => {
    const { keys, values } = cache.layer(i);
    const q = run(SRL_DECODE_QKV, { qkv: linear(h, layer.qkv), keys, values }, qkvAttrs) as tf.Tensor3D; // [R*Hkv, G, D]
    const attn = run(SRL_DECODE_ATTENTION, { q, keys, values }, { positions }) as tf.Tensor2D; // [R, H*D]
    [x, h] = norm(x, layer.mlpNorm, linear(attn, layer.o));
    let m: tf.Tensor;
    if (c.mlp === 'gelu') {
      const u = linear(h, layer.mlp[0]);
      m = linear(run(SRL_PRODUCT, { a: u, b: tf.sigmoid(run(SRL_GELU_ARG, { x: u }) as tf.Tensor) }) as tf.Tensor, layer.mlp[1]);
    } else {
      const gate = linear(h, layer.mlp[0]);
      m = linear(run(SRL_PRODUCT, { a: gate, b: tf.sigmoid(gate), c: linear(h, layer.mlp[1]) }) as tf.Tensor, layer.mlp[2]);
    }
    [x, h] = norm(x, i + 1 < W.layers.length ? W.layers[i + 1].attnNorm : W.finalNorm, m);
  });
  return linear(h, { w: W.head });
}
