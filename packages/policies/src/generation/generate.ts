import * as tf from '@tensorflow/tfjs-core';
import type { FinishReason, SeededRng } from '@srl/core';
import { SrlError } from '@srl/core/base';
import { KvCache } from '../model/kv-cache';
import type { ResolvedWeights, Transformer } from '../model/transformer';
import { promptStreams } from './prompt-streams';
import { sampleToken, validateSamplerParams, type SamplerParams } from './sampler';

export interface GenerateOptions extends SamplerParams {
  /** Samples per prompt; they share one prefill of the prompt. */
  n: number;
  /** New tokens per sample at most (fewer if the model's maxPositions is reached first). */
  maxTokens: number;
  /** A sampled token in this list ends the sample (it is kept in tokenIds, with its logprob). */
  eosTokenIds: readonly number[];
  /** Strings that end a sample; needs `detokenize`. The text is cut before the stop string. */
  stop?: readonly string[];
  detokenize?: (ids: number[]) => string;
  /** Draws one stream per prompt (prompt-streams.ts), unless `streams` gives them. */
  rng: SeededRng;
  /** Each prompt's random stream (as `promptStreams` draws them); `rng` is then left untouched. */
  streams?: readonly SeededRng[];
  /**
   * Right-pad the prompts' prefill to at least this many positions (and size the cache from it). Rows do not
   * depend on the other rows of a batch, but the float32 rounding of a row does depend on the padded length: a
   * call split between threads passes its longest prompt so every share runs the shapes one thread runs.
   */
  padPromptsTo?: number;
  /** false: recompute the whole sequence each step (slow; the reference for the KV cache). Default true. */
  useCache?: boolean;
  /** Called after each sampled token (for streaming), with the prompt's index, the sample's index and its tokens so far. */
  onToken?: (event: { prompt: number; sample: number; tokenIds: readonly number[]; logprobs: readonly number[]; finished: boolean }) => void;
  /**
   * Computes the prompts' prefill elsewhere (wasm-generation-copy.ts: on the training backend's model, whose
   * products are faster) instead of on `model`. Not for `useCache: false`.
   */
  prefill?: Prefill;
}

/** The right-padded prompts of one prefill: `ids` [batch * length], logits wanted at token rows `outputRows`. */
export interface PrefillInput {
  ids: Int32Array;
  batch: number;
  length: number;
  outputRows: Int32Array;
}

/** A prefill: each layer's keys and values [batch, Hkv, length, D] and the logits [outputRows.length * V]. */
export interface PrefillResult {
  kv: { keys: tf.Tensor4D; values: tf.Tensor4D }[];
  logits: Float32Array;
}

/**
 * A prefill computed outside `generate`, or null to have `generate` compute it on its model. The tensors must be
 * on the generating model's backend; `generate` disposes them.
 */
export type Prefill = (input: PrefillInput) => Promise<PrefillResult | null>;

export interface GeneratedSequence {
  tokenIds: number[];
  /** log p of each token under softmax(logits / temperature) (see SampledToken.logprob). */
  logprobs: number[];
  finishReason: FinishReason;
  /** With `detokenize`: the completion's text without the eos token and without the stop string. */
  text?: string;
}

interface Row {
  prompt: number;
  sample: number;
  tokens: number[];
  logprobs: number[];
  finish: FinishReason | null;
  text?: string;
  /** The prompt's random stream. */
  rng: SeededRng;
}

/** Once at most this fraction of cache rows is still generating, the cache is compacted to the live rows. */
const COMPACT_BELOW = 0.5;

/**
 * Samples `n` completions for each prompt (token ids) with batched, KV-cached decoding: one prefill over the
 * right-padded prompts, the cache rows of each prompt copied for its samples, then one decoding step per token for
 * all live rows. Sampling happens on the CPU from the logits, row by row in order, each prompt's samples from that
 * prompt's own stream, so the cached and uncached paths consume the streams identically and a prompt's samples do
 * not depend on the other prompts of the call. Returns one array of `n` sequences per prompt. Leaves no tensors behind.
 */
export async function generate(model: Transformer, prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<GeneratedSequence[][]> {
  validateGenerate(model, prompts, options);
  const { n, maxTokens } = options;
  const { maxPositions } = model.config;
  const streams = options.streams ?? promptStreams(options.rng, prompts.length);
  const rows: Row[] = [];
  prompts.forEach((_, p) => {
    for (let s = 0; s < n; s++) rows.push({ prompt: p, sample: s, tokens: [], logprobs: [], finish: null, rng: streams[p] });
  });
  const limit = (r: Row): number => Math.min(maxTokens, maxPositions - prompts[r.prompt].length);
  for (const r of rows) if (limit(r) <= 0) r.finish = 'length';

  if (rows.some((r) => r.finish === null)) {
    const weights = tf.tidy(() => model.resolveWeights() as unknown as tf.TensorContainer) as unknown as ResolvedWeights;
    try {
      if (options.useCache === false) await decodeUncached(model, weights, prompts, rows, options, limit);
      else await decodeCached(model, weights, prompts, rows, options, limit);
    } finally {
      disposeResolved(model, weights);
    }
  }
  const out: GeneratedSequence[][] = prompts.map(() => []);
  for (const r of rows) {
    const seq: GeneratedSequence = { tokenIds: r.tokens, logprobs: r.logprobs, finishReason: r.finish as FinishReason };
    if (options.detokenize !== undefined) seq.text = r.text ?? options.detokenize(r.finish === 'eos' ? r.tokens.slice(0, -1) : r.tokens);
    out[r.prompt].push(seq);
  }
  return out;
}

/** Throws SrlError('validation') for what `generate` cannot sample: bad sampler options, empty or out-of-range prompts. */
export function validateGenerate(model: Transformer, prompts: readonly (readonly number[])[], options: GenerateOptions): void {
  validateSamplerParams(options);
  const { n, maxTokens } = options;
  if (!(Number.isInteger(n) && n >= 1)) throw new SrlError('validation', `n = ${n}, expected an integer >= 1`);
  if (!(Number.isInteger(maxTokens) && maxTokens >= 0)) throw new SrlError('validation', `maxTokens = ${maxTokens}, expected an integer >= 0`);
  if (options.streams !== undefined && options.streams.length !== prompts.length)
    throw new SrlError('validation', `${options.streams.length} random streams for ${prompts.length} prompts; expected one per prompt`);
  const stops = options.stop ?? [];
  if (stops.length > 0 && options.detokenize === undefined) throw new SrlError('validation', 'stop strings need a detokenize function');
  const { maxPositions, vocabSize } = model.config;
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new SrlError('validation', `prompt ${i} is empty; expected at least one token (e.g. BOS)`);
    if (p.length > maxPositions) throw new SrlError('validation', `prompt ${i} has ${p.length} tokens, more than the model's maxPositions ${maxPositions}`);
    for (const t of p)
      if (!(Number.isInteger(t) && t >= 0 && t < vocabSize))
        throw new SrlError('validation', `prompt ${i} has token id ${t}, expected an integer in [0, ${vocabSize})`);
  });
}

/** Samples the next token of every unfinished row; row i's logits are `logits[i*V .. (i+1)*V)`. */
function step(logits: Float32Array, batchRows: Row[], V: number, options: GenerateOptions, limit: (r: Row) => number): void {
  batchRows.forEach((r, i) => {
    if (r.finish !== null) return;
    const { token, logprob } = sampleToken(logits, i * V, V, options, r.rng);
    r.tokens.push(token);
    r.logprobs.push(logprob);
    if (options.eosTokenIds.includes(token)) r.finish = 'eos';
    else if ((options.stop ?? []).length > 0) {
      const text = (options.detokenize as (ids: number[]) => string)(r.tokens);
      let cut = -1;
      for (const stop of options.stop as string[]) {
        const at = stop.length > 0 ? text.indexOf(stop) : -1;
        if (at >= 0 && (cut < 0 || at < cut)) cut = at;
      }
      if (cut >= 0) {
        r.finish = 'stop';
        r.text = text.slice(0, cut);
      }
    }
    if (r.finish === null && r.tokens.length >= limit(r)) r.finish = 'length';
    options.onToken?.({ prompt: r.prompt, sample: r.sample, tokenIds: r.tokens, logprobs: r.logprobs, finished: r.finish !== null });
  });
}

async function decodeCached(
  model: Transformer,
  weights: ResolvedWeights,
  prompts: readonly (readonly number[])[],
  rows: Row[],
  options: GenerateOptions,
  limit: (r: Row) => number,
): Promise<void> {
  const V = model.config.vocabSize;
  const T = Math.min(model.config.maxPositions, Math.max(options.padPromptsTo ?? 0, ...prompts.map((p) => p.length)));
  const capacity = Math.min(model.config.maxPositions, T + options.maxTokens);
  const ids = new Int32Array(prompts.length * T);
  const lastRows = new Int32Array(prompts.length);
  prompts.forEach((p, i) => {
    ids.set(p, i * T);
    lastRows[i] = i * T + p.length - 1;
  });
  // The rows held in the cache, in cache order (finished ones stay until the next compaction).
  let cacheRows = rows.filter((r) => r.finish === null);
  const input = { ids, batch: prompts.length, length: T, outputRows: lastRows };
  const prefill = (await options.prefill?.(input)) ?? localPrefill(model, weights, input);
  let cache: KvCache;
  let logits: Float32Array;
  try {
    cache = KvCache.fromPrefill(
      model.kernels,
      prefill.kv,
      Int32Array.from(cacheRows, (r) => r.prompt),
      capacity,
    );
    logits = new Float32Array(cacheRows.length * V);
    cacheRows.forEach((r, i) => logits.set(prefill.logits.subarray(r.prompt * V, (r.prompt + 1) * V), i * V));
  } finally {
    tf.dispose(prefill.kv);
  }
  try {
    for (;;) {
      step(logits, cacheRows, V, options, limit);
      const live = cacheRows.flatMap((r, i) => (r.finish === null ? [i] : []));
      if (live.length === 0) break;
      if (live.length <= COMPACT_BELOW * cacheRows.length) {
        const smaller = cache.selectRows(Int32Array.from(live));
        cache.dispose();
        cache = smaller;
        cacheRows = live.map((i) => cacheRows[i]);
      }
      // Each row feeds its newest token at its position. A finished row re-feeds its last token at the same
      // position every step (the write repeats itself) and its logits are ignored.
      const next = Int32Array.from(cacheRows, (r) => r.tokens[r.tokens.length - 1]);
      const positions = Int32Array.from(cacheRows, (r) => prompts[r.prompt].length + r.tokens.length - 1);
      logits = model.decodeLogits(cache, next, positions, weights);
      await yieldToEventLoop();
    }
  } finally {
    cache.dispose();
  }
}

/** The prefill on `model` itself. */
function localPrefill(model: Transformer, weights: ResolvedWeights, input: PrefillInput): PrefillResult {
  const { ids, batch, length, outputRows } = input;
  const out = tf.tidy(() => model.forward({ ids, batch, length }, { mode: 'prefill', outputRows, weights }));
  try {
    return { kv: out.kv, logits: out.logits.dataSync() as Float32Array };
  } finally {
    out.logits.dispose();
  }
}

/** The reference path: every step runs the whole (right-padded) sequences of the unfinished rows. */
async function decodeUncached(
  model: Transformer,
  weights: ResolvedWeights,
  prompts: readonly (readonly number[])[],
  rows: Row[],
  options: GenerateOptions,
  limit: (r: Row) => number,
): Promise<void> {
  const V = model.config.vocabSize;
  for (;;) {
    const live = rows.filter((r) => r.finish === null);
    if (live.length === 0) break;
    const seqs = live.map((r) => [...prompts[r.prompt], ...r.tokens]);
    const T = Math.max(...seqs.map((q) => q.length));
    const ids = new Int32Array(live.length * T);
    seqs.forEach((q, i) => ids.set(q, i * T));
    const lastRows = Int32Array.from(seqs, (q, i) => i * T + q.length - 1);
    const logits = readLogits(tf.tidy(() => model.forward({ ids, batch: live.length, length: T }, { mode: 'score', outputRows: lastRows, weights }).logits));
    step(logits, live, V, options, limit);
    await yieldToEventLoop();
  }
}

/** Disposes what `resolveWeights` created (Llama's concatenated q/k/v), never the model's variables. */
function disposeResolved(model: Transformer, weights: ResolvedWeights): void {
  const own = new Set<tf.Tensor>(model.variables.values());
  const created: tf.Tensor[] = [];
  for (const layer of weights.layers) for (const t of [layer.qkv.w, layer.qkv.b]) if (t !== undefined && !own.has(t)) created.push(t);
  tf.dispose(created);
}

/**
 * The logits' values; disposes the tensor. (Read outside tf.tidy: a tidy returning the Float32Array would walk
 * its every index looking for tensors, ~11% of a decoding step.)
 */
function readLogits(logits: tf.Tensor): Float32Array {
  try {
    return logits.dataSync() as Float32Array;
  } finally {
    logits.dispose();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
