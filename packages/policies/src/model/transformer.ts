/**
 * A decoder-only transformer on tfjs-core ops: GPT-2 style (LayerNorm, learned positions, GELU) and Llama/Qwen2
 * style (RMSNorm, RoPE, SwiGLU, grouped-query attention, optional q/k/v bias, tied embeddings), from one config.
 * Weights are tf.Variables named as in Hugging Face checkpoints, stored in the layout the forward pass wants
 * (linear layers [in, out]; see parameter-specs.ts). Activations are 2-D [tokens, features] between layers.
 * The forward pass is written once (`pass`); training, scoring, prefill and decoding differ only in the attention
 * they plug in and in the blocks they run: differentiable ones for training, a kernel set's fused inference
 * blocks otherwise (kernels/transformer-kernels.ts; the kernel set is chosen when the model is created), or for
 * decoding a kernel set's `Decoder`, whose blocks run on its own buffers instead of tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRng, SrlError } from '@srl/core/base';
import { selectKernels } from '../kernels/select-kernels';
import type { BlockOps, Decoder, TransformerKernels } from '../kernels/transformer-kernels';
import { cachedAttention, causalAttention, causalAttentionRows, decodeMask } from './attention';
import { bucketLengths } from './bucket-lengths';
import { DifferentiableBlocks } from './differentiable-blocks';
import type { KvCache } from './kv-cache';
import { isPrefixBatch, prefixAttention, prefixAttentionRows, prefixBatchIds, prefixBatchPositions, type PrefixBatch } from './prefix-attention';
import { resolveWeights, type ResolvedWeights } from './resolve-weights';
import { Rope } from './ops/rope';
import { parameterSpecs, storedShape, type ParameterSpec } from './parameter-specs';
import type { TransformerConfig } from './transformer-config';
import { validateTransformerConfig } from './validate-config';
import { storedToHf } from './weight-layout';
import { storedFromHuggingFace, type HfTensor } from './hf-weights';
import { positionalQkv } from './positional-qkv';

/** Token ids of B right-padded rows of length T, row-major (padding must only follow real tokens). */
export interface TokenBatch {
  ids: Int32Array;
  batch: number;
  length: number;
}

export type { HfTensor };

export type { ResolvedWeights };

export class Transformer {
  readonly config: TransformerConfig;
  readonly headDim: number;
  readonly specs: ParameterSpec[];
  /** Parameters by Hugging Face name, in stored layout. Owned by the model. */
  readonly variables: Map<string, tf.Variable>;
  /** The kernel set every pass runs on, chosen when the model is created (select-kernels.ts). */
  readonly kernels: TransformerKernels;
  private readonly rope: Rope | null;
  private readonly blocks: BlockOps;
  private readonly inferenceBlocks: BlockOps;

  private constructor(config: TransformerConfig, values: Map<string, Float32Array>, kernels: TransformerKernels) {
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
    this.rope = config.positions === 'rope' ? new Rope(this.headDim, config.ropeTheta, kernels) : null;
    this.kernels = kernels;
    this.blocks = new DifferentiableBlocks(this.config, kernels);
    this.inferenceBlocks = kernels.inferenceOps(this.config) ?? this.blocks;
  }

  /** A model with fresh weights: normal(0, 0.02), residual projections / sqrt(2 * layers), norms 1, biases 0. */
  static random(config: TransformerConfig, seed = 0, kernels: TransformerKernels = selectKernels()): Transformer {
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
    return new Transformer(config, values, kernels);
  }

  /** A model from Hugging Face tensors (names and shapes as in `model.safetensors`; checked by hf-weights.ts). */
  static fromHuggingFace(config: TransformerConfig, tensors: ReadonlyMap<string, HfTensor>, kernels: TransformerKernels = selectKernels()): Transformer {
    validateTransformerConfig(config);
    return new Transformer(config, storedFromHuggingFace(config, tensors), kernels);
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
    const fresh = Transformer.fromHuggingFace(this.config, tensors, this.kernels);
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

  /** Throws when the active backend is not the one this model's kernels were chosen for. */
  private checkBackend(): void {
    const want = this.kernels.backend;
    if (want !== null && tf.getBackend() !== want) {
      throw new SrlError(
        'runtime',
        `this model was created with the ${this.kernels.name} kernels for the ${want} backend, but the active backend is ${tf.getBackend()}; create the model after selecting its backend`,
      );
    }
  }

  /**
   * Logits [rows, V] of a full causal pass over `batch`: `mode` 'train' (the default; differentiable), 'score' or 'prefill'
   * (never differentiated: fused inference kernels where the kernel set has them; 'prefill' also returns each
   * layer's keys and values [B, Hkv, T, D] for a KV cache). A `PrefixBatch` runs each shared prefix once (its
   * token-row order: prefix-attention.ts; not for 'prefill'). `outputRows` picks token rows (index b*T + t) to
   * project to logits (default: all). Call inside tf.tidy; the caller owns the results.
   */
  forward(
    batch: TokenBatch | PrefixBatch,
    options: { mode?: 'train' | 'score' | 'prefill'; outputRows?: Int32Array; weights?: ResolvedWeights } = {},
  ): { logits: tf.Tensor2D; kv: { keys: tf.Tensor4D; values: tf.Tensor4D }[] } {
    this.checkBackend();
    const c = this.config;
    const k = this.kernels;
    const heads = { heads: c.numHeads, kvHeads: c.numKvHeads, headDim: this.headDim };
    const collectKv = options.mode === 'prefill';
    let outputRows = options.outputRows;
    // Lengths padded to the kernel set's bucket (same logits; a prefill's cache keeps its exact length).
    if (isPrefixBatch(batch)) {
      if (batch.prefixLength > c.maxPositions)
        throw new SrlError('validation', `prefix of ${batch.prefixLength} tokens exceeds maxPositions ${c.maxPositions}`);
    } else {
      if (batch.ids.length !== batch.batch * batch.length) throw new Error(`forward: ${batch.ids.length} ids for a batch of ${batch.batch} x ${batch.length}`);
      if (batch.length > c.maxPositions) throw new SrlError('validation', `sequence of ${batch.length} tokens exceeds maxPositions ${c.maxPositions}`);
    }
    if (!collectKv && k.lengthBucket > 1) ({ batch, outputRows } = bucketLengths(batch, outputRows, k.lengthBucket, c.maxPositions));
    let ids: Int32Array;
    let positions: Int32Array;
    let attention: (qkv: tf.Tensor2D) => { out: tf.Tensor2D; keys?: tf.Tensor4D; values?: tf.Tensor4D };
    let attentionRows: (qkv: tf.Tensor2D, rows: Int32Array) => tf.Tensor2D;
    if (isPrefixBatch(batch)) {
      if (collectKv) throw new Error('forward: prefill needs a TokenBatch');
      ids = prefixBatchIds(batch);
      positions = prefixBatchPositions(batch, c.maxPositions);
      attention = (qkv) => ({ out: prefixAttention(k, qkv, batch, heads) });
      attentionRows = (qkv, rows) => prefixAttentionRows(k, qkv, batch, heads, rows);
    } else {
      const { batch: B, length: T } = batch;
      ids = batch.ids;
      positions = new Int32Array(B * T);
      for (let i = 0; i < B * T; i++) positions[i] = i % T;
      attention = (qkv) => causalAttention(k, qkv, { batch: B, length: T, ...heads }, collectKv);
      attentionRows = (qkv, rows) => causalAttentionRows(k, qkv, { batch: B, length: T, ...heads }, rows);
    }
    const kv: { keys: tf.Tensor4D; values: tf.Tensor4D }[] = [];
    const positional = positionalQkv(this.config, this.rope, positions);
    const attend = (_layer: number, qkv: tf.Tensor2D): tf.Tensor2D => {
      const a = attention(positional(qkv));
      if (a.keys !== undefined && a.values !== undefined) kv.push({ keys: a.keys, values: a.values });
      return a.out;
    };
    const blocks = (options.mode ?? 'train') === 'train' ? this.blocks : this.inferenceBlocks;
    // The last layer attends only from the output rows, where they are at most half the token rows (a prompt-heavy
    // batch; the gathers cost more than they save when nearly every row is read). A prefill keeps every row.
    const rows = outputRows;
    const prune = rows !== undefined && !collectKv && 2 * rows.length <= ids.length;
    const lastRows = prune ? { rows, attend: (qkv: tf.Tensor2D) => attentionRows(positional(qkv), rows) } : undefined;
    return { logits: this.pass(blocks, options.weights ?? this.resolveWeights(), ids, positions, attend, rows, lastRows), kv };
  }

  /**
   * One decoding step: the newest token of each cache row, `ids[r]` at `positions[r]`, is written to the cache
   * and attends to the row's positions 0..positions[r]. Returns logits [R, V]; call inside tf.tidy. Never
   * differentiated. The cache must come from this model's kernels (`KvCache.fromPrefill(model.kernels, ...)`).
   */
  decode(cache: KvCache, ids: Int32Array, positions: Int32Array, weights?: ResolvedWeights): tf.Tensor2D {
    this.checkDecode(cache, ids, positions);
    const c = this.config;
    const D = this.headDim;
    const W = weights ?? this.resolveWeights();
    const decoder = this.decoderFor(cache);
    if (decoder !== null) return tf.tensor2d(this.decodeOn(decoder, cache, ids, positions, W), [ids.length, c.vocabSize]);
    let attend: (layer: number, qkv: tf.Tensor2D) => tf.Tensor2D;
    const fused = this.kernels.decodeAttention;
    if (fused !== null) {
      // RoPE, the 1/sqrt(D) scale and the cache write happen inside the kernel, from the same float32 tables.
      const rope = this.rope === null ? null : this.rope.decodeTables(positions, 1 / Math.sqrt(D));
      const heads = { H: c.numHeads, Hkv: c.numKvHeads, D };
      attend = (i, qkv) => fused({ qkv, ...cache.layer(i), positions, heads, rope });
    } else {
      const mask = decodeMask(positions, c.numKvHeads, c.numHeads / c.numKvHeads, cache.capacity); // [R*Hkv, G, L]
      const positional = positionalQkv(this.config, this.rope, positions);
      attend = (i, qkv) => {
        const [q, key, value] = tf.split(positional(qkv), [c.numHeads * D, c.numKvHeads * D, c.numKvHeads * D], 1) as tf.Tensor2D[];
        cache.write(i, key, value, positions);
        const { keys, values } = cache.layer(i);
        return cachedAttention(this.kernels, q, keys, values, mask); // [R, H*D]
      };
    }
    return this.pass(this.inferenceBlocks, W, ids, positions, attend);
  }

  /**
   * `decode`'s logits as floats [R * V] (a copy), leaving no tensors behind; with `weights` given, on the kernel
   * set's decoder where it has one (no tfjs ops between the blocks, no tidy).
   */
  decodeLogits(cache: KvCache, ids: Int32Array, positions: Int32Array, weights?: ResolvedWeights): Float32Array {
    this.checkDecode(cache, ids, positions);
    const decoder = this.decoderFor(cache);
    if (decoder !== null && weights !== undefined) return this.decodeOn(decoder, cache, ids, positions, weights);
    let out: Float32Array = new Float32Array(0);
    // (A tidy returning the Float32Array would walk its every index looking for tensors.)
    tf.tidy(() => void (out = this.decode(cache, ids, positions, weights).dataSync() as Float32Array));
    return out;
  }

  /** Refuses a decode step whose ids, positions or cache do not fit (the wasm decoder writes the cache unchecked). */
  private checkDecode(cache: KvCache, ids: Int32Array, positions: Int32Array): void {
    this.checkBackend();
    if (ids.length !== cache.rows || positions.length !== cache.rows)
      throw new SrlError('validation', `decode: ${ids.length} ids and ${positions.length} positions for a cache of ${cache.rows} rows`);
    const limit = Math.min(cache.capacity, this.config.maxPositions);
    for (const p of positions)
      if (!(p >= 0 && p < limit))
        throw new SrlError(
          'validation',
          `decode: position ${p}, expected 0 to ${limit - 1} (cache capacity ${cache.capacity}, maxPositions ${this.config.maxPositions})`,
        );
    if (cache.kernels !== this.kernels)
      throw new Error(`decode: the cache was made with the ${cache.kernels.name} kernels, the model runs the ${this.kernels.name} kernels`);
  }

  /** The kernel set's decoder for `cache` (made once per cache), or null. */
  private decoderFor(cache: KvCache): Decoder | null {
    const make = this.kernels.decoder;
    return make === undefined ? null : cache.attachment(this, () => make(this.config));
  }

  /** A decoding step on a decoder's values (`pass`, attention through the decoder's cache writes); the logits' floats. */
  private decodeOn(decoder: Decoder, cache: KvCache, ids: Int32Array, positions: Int32Array, W: ResolvedWeights): Float32Array {
    const c = this.config;
    const rope = this.rope === null ? null : this.rope.decodeTables(positions, 1 / Math.sqrt(this.headDim));
    const heads = { H: c.numHeads, Hkv: c.numKvHeads, D: this.headDim };
    decoder.begin(W);
    return decoder.read(this.pass(decoder.blocks, W, ids, positions, (i, qkv) => decoder.attend({ qkv, ...cache.layer(i), positions, heads, rope })));
  }

  /**
   * The transformer, once, for every mode: pre-norm blocks of attention and MLP on the residual stream x [N, C]
   * (N token rows), h = the normed stream that feeds the next projection. `attend` is the mode's attention
   * (causal, prefix-shared or against a KV cache) from the fused projection [N, (H + 2*Hkv) * D] to [N, H*D].
   * With `lastRows` the last layer runs from its attention on at the output rows only (`lastRows.attend`: the
   * projection of every row [N, ...] -> the output rows' attention [rows, H*D]): no other row's output is used.
   */
  private pass<A>(
    k: BlockOps<A>,
    W: ResolvedWeights,
    ids: Int32Array,
    positions: Int32Array,
    attend: (layer: number, qkv: A) => A,
    outputRows?: Int32Array,
    lastRows?: { rows: Int32Array; attend: (qkv: A) => A },
  ): A {
    let [x, h] = k.addNorm(k.embed(W, ids, positions), W.layers[0].attnNorm); // [N, C], [N, C]
    const L = W.layers.length;
    W.layers.forEach((layer, i) => {
      const qkv = k.linear(h, layer.qkv); // [N, (H + 2*Hkv) * D]
      let attn: A;
      if (lastRows !== undefined && i === L - 1) {
        attn = lastRows.attend(qkv); // [rows, H*D]
        x = k.rows(x, lastRows.rows); // [rows, C]: from here on only the output rows
      } else attn = attend(i, qkv); // [N, H*D]
      [x, h] = k.addNorm(x, layer.mlpNorm, k.linear(attn, layer.o)); // x += attention output [N, C]
      [x, h] = k.addNorm(x, i + 1 < W.layers.length ? W.layers[i + 1].attnNorm : W.finalNorm, k.mlp(h, layer)); // x += MLP [N, C]
    });
    if (outputRows !== undefined && lastRows === undefined) h = k.rows(h, outputRows); // [rows, C]
    return k.linear(h, { w: W.head }); // [rows, V]
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.rope?.dispose();
  }
}

let nextModelId = 0;
