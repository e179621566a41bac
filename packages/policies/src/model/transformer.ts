/**
 * A decoder-only transformer on tfjs-core ops: GPT-2 style (LayerNorm, learned positions, GELU) and Llama/Qwen2
 * style (RMSNorm, RoPE, SwiGLU, grouped-query attention, optional q/k/v bias, tied embeddings), from one config.
 * Weights are tf.Variables named as in Hugging Face checkpoints, stored in the layout the forward pass wants
 * (linear layers [in, out]; see parameter-specs.ts). Activations are 2-D [tokens, features] between layers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRng, SrlError } from '@srl/core';
import { cachedAttention, causalAttention, decodeMask } from './attention';
import { useWasmKernels } from '../backend/wasm-kernels';
import { decodeWasm } from './fast-decode';
import type { KvCache } from './kv-cache';
import { isPrefixBatch, prefixAttention, prefixBatchIds, prefixBatchPositions, type PrefixBatch } from './prefix-attention';
import { InferenceOps } from './inference-ops';
import { resolveWeights, type LayerWeights, type Norm, type ResolvedWeights } from './resolve-weights';
import { embedding, gatherRows } from './ops/embedding';
import { gelu } from './ops/gelu';
import { linear } from './ops/linear';
import { layerNorm, rmsNorm } from './ops/norms';
import { Rope } from './ops/rope';
import { parameterSpecs, storedShape, type ParameterSpec } from './parameter-specs';
import type { TransformerConfig } from './transformer-config';
import { validateTransformerConfig } from './validate-config';
import { hfToStored, storedToHf } from './weight-layout';

/** Token ids of B right-padded rows of length T, row-major (padding must only follow real tokens). */
export interface TokenBatch {
  ids: Int32Array;
  batch: number;
  length: number;
}

/** A tensor in Hugging Face layout (row-major float32). */
export interface HfTensor {
  shape: readonly number[];
  data: Float32Array;
}

export type { ResolvedWeights };

export class Transformer {
  readonly config: TransformerConfig;
  readonly headDim: number;
  readonly specs: ParameterSpec[];
  /** Parameters by Hugging Face name, in stored layout. Owned by the model. */
  readonly variables: Map<string, tf.Variable>;
  private readonly rope: Rope | null;

  private constructor(config: TransformerConfig, values: Map<string, Float32Array>) {
    this.config = validateTransformerConfig({ ...config });
    this.headDim = config.hiddenSize / config.numHeads;
    this.specs = parameterSpecs(config);
    this.variables = new Map();
    for (const spec of this.specs) {
      const data = values.get(spec.name) as Float32Array;
      const initial = tf.tensor(data, storedShape(spec));
      this.variables.set(spec.name, tf.variable(initial, true, `srl/${nextModelId}/${spec.name}`));
      initial.dispose();
    }
    nextModelId++;
    this.rope = config.positions === 'rope' ? new Rope(this.headDim, config.ropeTheta) : null;
  }

  /** A model with fresh weights: normal(0, 0.02), residual projections / sqrt(2 * layers), norms 1, biases 0. */
  static random(config: TransformerConfig, seed = 0): Transformer {
    validateTransformerConfig(config);
    const rng = new SeededRng(seed);
    const values = new Map<string, Float32Array>();
    const residualStd = 0.02 / Math.sqrt(2 * config.numLayers);
    for (const spec of parameterSpecs(config)) {
      const n = spec.hfShape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (spec.init === 'ones') data.fill(1);
      else if (spec.init === 'normal' || spec.init === 'residual') {
        const std = spec.init === 'normal' ? 0.02 : residualStd;
        for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
      }
      values.set(spec.name, data);
    }
    return new Transformer(config, values);
  }

  /**
   * A model from Hugging Face tensors (names and shapes as in `model.safetensors`). Unknown names are refused
   * except buffers that carry no weights (`*.attn.bias`, `*.attn.masked_bias`, `*.rotary_emb.inv_freq`); a tied
   * `lm_head.weight` equal to the embedding is accepted. A `transformer.` / GPT-2 prefix is tolerated.
   */
  static fromHuggingFace(config: TransformerConfig, tensors: ReadonlyMap<string, HfTensor>): Transformer {
    validateTransformerConfig(config);
    const byName = new Map<string, HfTensor>();
    for (const [name, t] of tensors) byName.set(name.startsWith('transformer.') ? name.slice('transformer.'.length) : name, t);
    const problems: string[] = [];
    const values = new Map<string, Float32Array>();
    for (const spec of parameterSpecs(config)) {
      const t = byName.get(spec.name);
      if (t === undefined) {
        problems.push(`missing ${spec.name} [${spec.hfShape.join(', ')}]`);
        continue;
      }
      if (t.shape.length !== spec.hfShape.length || t.shape.some((d, i) => d !== spec.hfShape[i])) {
        problems.push(`${spec.name} has shape [${t.shape.join(', ')}], expected [${spec.hfShape.join(', ')}]`);
        continue;
      }
      values.set(spec.name, hfToStored(spec, t.data));
      byName.delete(spec.name);
    }
    for (const name of byName.keys()) {
      const ignorable = /\.attn\.(masked_)?bias$|rotary_emb\.inv_freq$/.test(name) || (name === 'lm_head.weight' && config.tieEmbeddings);
      if (!ignorable) problems.push(`unexpected tensor ${name}`);
    }
    if (problems.length > 0) {
      throw new SrlError('validation', `checkpoint does not match the ${config.family} config: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (and ${problems.length - 8} more)` : ''}`, { details: problems });
    }
    return new Transformer(config, values);
  }

  /** Every parameter in Hugging Face layout (copies), in spec order. */
  toHuggingFace(): Map<string, HfTensor> {
    const out = new Map<string, HfTensor>();
    for (const spec of this.specs) {
      const stored = (this.variables.get(spec.name) as tf.Variable).dataSync() as Float32Array;
      out.set(spec.name, { shape: [...spec.hfShape], data: storedToHf(spec, Float32Array.from(stored)) });
    }
    return out;
  }

  /** Overwrites the weights from Hugging Face tensors (same checks as `fromHuggingFace`). */
  loadHuggingFace(tensors: ReadonlyMap<string, HfTensor>): void {
    const fresh = Transformer.fromHuggingFace(this.config, tensors);
    for (const [name, v] of this.variables) v.assign(fresh.variables.get(name) as tf.Variable);
    fresh.dispose();
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** The weights for one pass (see resolve-weights.ts); call inside tf.tidy. */
  resolveWeights(): ResolvedWeights {
    return resolveWeights(this.config, this.variables);
  }

  /**
   * Logits [rows, V] of a full causal pass over `batch` (training, scoring, prefill, uncached generation).
   * A `PrefixBatch` runs each shared prefix once (its token-row order: prefix-attention.ts; no `collectKv`).
   * `outputRows` picks token rows (index b*T + t) to project to logits (default: all B*T). With `collectKv`,
   * also returns each layer's keys and values [B, Hkv, T, D] for a KV cache. `inference` (a pass that is never
   * differentiated: scoring, prefill) runs the fused wasm inference kernels where available. Call inside
   * tf.tidy; the caller owns the results.
   */
  forward(
    batch: TokenBatch | PrefixBatch,
    options: { outputRows?: Int32Array; collectKv?: boolean; weights?: ResolvedWeights; inference?: boolean } = {},
  ): { logits: tf.Tensor2D; kv: { keys: tf.Tensor4D; values: tf.Tensor4D }[] } {
    const c = this.config;
    const W = options.weights ?? this.resolveWeights();
    const heads = { heads: c.numHeads, kvHeads: c.numKvHeads, headDim: this.headDim };
    let ids: Int32Array;
    let positions: Int32Array;
    let attend: (qkv: tf.Tensor2D) => { out: tf.Tensor2D; keys?: tf.Tensor4D; values?: tf.Tensor4D };
    if (isPrefixBatch(batch)) {
      if (options.collectKv === true) throw new Error('forward: collectKv needs a TokenBatch');
      if (batch.prefixLength > c.maxPositions) throw new SrlError('validation', `prefix of ${batch.prefixLength} tokens exceeds maxPositions ${c.maxPositions}`);
      ids = prefixBatchIds(batch);
      positions = prefixBatchPositions(batch, c.maxPositions);
      attend = (qkv) => ({ out: prefixAttention(qkv, batch, heads) });
    } else {
      const { batch: B, length: T } = batch;
      if (batch.ids.length !== B * T) throw new Error(`forward: ${batch.ids.length} ids for a batch of ${B} x ${T}`);
      if (T > c.maxPositions) throw new SrlError('validation', `sequence of ${T} tokens exceeds maxPositions ${c.maxPositions}`);
      ids = batch.ids;
      positions = new Int32Array(B * T);
      for (let i = 0; i < B * T; i++) positions[i] = i % T;
      attend = (qkv) => causalAttention(qkv, { batch: B, length: T, ...heads }, options.collectKv === true);
    }
    const kv: { keys: tf.Tensor4D; values: tf.Tensor4D }[] = [];
    const positional = this.positionalQkv(positions);
    if (options.inference === true && useWasmKernels()) {
      const k = new InferenceOps(c);
      let [x, h] = k.norm(k.embed(W, ids, positions), W.layers[0].attnNorm);
      W.layers.forEach((layer, i) => {
        const attn = attend(positional(k.linear(h, layer.qkv)));
        if (attn.keys !== undefined && attn.values !== undefined) kv.push({ keys: attn.keys, values: attn.values });
        [x, h] = k.norm(x, layer.mlpNorm, k.linear(attn.out, layer.o));
        [x, h] = k.norm(x, i + 1 < W.layers.length ? W.layers[i + 1].attnNorm : W.finalNorm, k.mlp(h, layer));
      });
      if (options.outputRows !== undefined) h = gatherRows(h, options.outputRows);
      return { logits: k.linear(h, { w: W.head }), kv };
    }
    let x = this.embed(W, ids, positions);
    for (const layer of W.layers) {
      const attn = attend(positional(linear(this.norm(x, layer.attnNorm), layer.qkv.w, layer.qkv.b)));
      if (attn.keys !== undefined && attn.values !== undefined) kv.push({ keys: attn.keys, values: attn.values });
      x = tf.add(x, linear(attn.out, layer.o.w, layer.o.b));
      x = tf.add(x, this.mlp(this.norm(x, layer.mlpNorm), layer));
    }
    let h = this.norm(x, W.finalNorm);
    if (options.outputRows !== undefined) h = embedding(h, options.outputRows);
    return { logits: linear(h, W.head), kv };
  }

  /**
   * One decoding step: the newest token of each cache row, `ids[r]` at `positions[r]`, is written to the cache
   * and attends to the row's positions 0..positions[r]. Returns logits [R, V]; call inside tf.tidy. On wasm this
   * runs the fused inference kernels (fast-decode.ts) unless `generic` asks for the op-by-op path.
   */
  decode(cache: KvCache, ids: Int32Array, positions: Int32Array, weights?: ResolvedWeights, options: { generic?: boolean } = {}): tf.Tensor2D {
    const c = this.config;
    for (const p of positions) if (p >= c.maxPositions) throw new SrlError('validation', `position ${p} exceeds maxPositions ${c.maxPositions}`);
    const W = weights ?? this.resolveWeights();
    if (options.generic !== true && cache.inPlace && useWasmKernels()) return decodeWasm(this, W, cache, ids, positions);
    const R = ids.length;
    const mask = decodeMask(positions, c.numKvHeads, c.numHeads / c.numKvHeads, cache.capacity);
    const positional = this.positionalQkv(positions);
    const D = this.headDim;
    let x = this.embed(W, ids, positions);
    W.layers.forEach((layer, i) => {
      const qkv = positional(linear(this.norm(x, layer.attnNorm), layer.qkv.w, layer.qkv.b));
      const [q, k, v] = tf.split(qkv, [c.numHeads * D, c.numKvHeads * D, c.numKvHeads * D], 1) as tf.Tensor2D[];
      cache.write(i, k, v, positions);
      const { keys, values } = cache.layer(i);
      const attn = cachedAttention(q, keys, values, mask);
      x = tf.add(x, linear(attn, layer.o.w, layer.o.b));
      x = tf.add(x, this.mlp(this.norm(x, layer.mlpNorm), layer));
    });
    if (x.shape[0] !== R) throw new Error('decode: row count changed');
    return linear(this.norm(x, W.finalNorm), W.head);
  }

  /**
   * RoPE tables for one decoding step (rows = samples at `positions`), q's 1/sqrt(D) folded in, computed exactly
   * as `positionalQkv` computes them; null without RoPE.
   */
  decodeRopeTables(positions: Int32Array): { qCos: Float32Array; qSin: Float32Array; kCos: Float32Array; kSin: Float32Array } | null {
    return this.rope === null ? null : this.rope.decodeTables(positions, 1 / Math.sqrt(this.headDim));
  }

  private embed(W: ResolvedWeights, ids: Int32Array, positions: Int32Array): tf.Tensor2D {
    const tokens = embedding(W.embed, ids, W.embedLayout);
    return W.positions === undefined ? tokens : tf.add(tokens, embedding(W.positions, positions));
  }

  /**
   * For the fused projection [N, (H + 2*Hkv) * D]: scales q by 1/sqrt(D) and applies RoPE to q and k (one
   * rotation over all head slots, value slots passing through; the scale folded into q's tables).
   */
  private positionalQkv(positions: Int32Array): (qkv: tf.Tensor2D) => tf.Tensor2D {
    const c = this.config;
    const D = this.headDim;
    const scale = 1 / Math.sqrt(D);
    const slots = c.numHeads + 2 * c.numKvHeads;
    if (this.rope === null) {
      const row = new Float32Array(slots * D).fill(1).fill(scale, 0, c.numHeads * D);
      const scaleRow = tf.tensor1d(row);
      return (qkv) => tf.mul(qkv, scaleRow);
    }
    const rope = this.rope;
    const { cos, sin } = rope.qkvTables(positions, c.numHeads, c.numKvHeads, scale);
    const N = positions.length;
    return (qkv) => tf.reshape(rope.apply(tf.reshape(qkv, [N * slots, D]), cos, sin), [N, slots * D]);
  }

  private norm(x: tf.Tensor2D, n: Norm): tf.Tensor2D {
    return this.config.norm === 'layernorm' ? layerNorm(x, n.w, n.b as tf.Tensor1D, this.config.normEps) : rmsNorm(x, n.w, this.config.normEps);
  }

  private mlp(h: tf.Tensor2D, layer: LayerWeights): tf.Tensor2D {
    const [a, b, d] = layer.mlp;
    if (this.config.mlp === 'gelu') return linear(gelu(linear(h, a.w, a.b)), b.w, b.b);
    const gate = linear(h, a.w, a.b);
    return linear(tf.mul(tf.mul(gate, tf.sigmoid(gate)), linear(h, b.w, b.b)) as tf.Tensor2D, d.w, d.b);
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.rope?.dispose();
  }
}

let nextModelId = 0;
