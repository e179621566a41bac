import type { SeededRng } from '@srl/core';
import { SrlError } from '@srl/core/base';

/** How one token is drawn from a row of logits. */
export interface SamplerParams {
  /** 0 = greedy (argmax, first index on ties). */
  temperature: number;
  /** Nucleus mass in (0, 1]; 1 = off. */
  topP: number;
  /** Keep the k most likely tokens; 0 = off. */
  topK: number;
}

export interface SampledToken {
  token: number;
  /**
   * log p(token) under log_softmax(logits / T), T the sampling temperature (T = 1 when greedy), before top-k/top-p,
   * computed in float64: what `score(…, { temperature: T })` returns for the same token under the same weights (as
   * TRL and verl compute their training log-probs), so GRPO's "old" log-probs and the trainer's new ones agree.
   */
  logprob: number;
}

/** Throws SrlError('validation') on out-of-range parameters. */
export function validateSamplerParams(p: SamplerParams): void {
  const problems: string[] = [];
  if (!(p.temperature >= 0 && Number.isFinite(p.temperature))) problems.push(`temperature ${p.temperature}, expected a finite number >= 0`);
  if (!(p.topP > 0 && p.topP <= 1)) problems.push(`topP ${p.topP}, expected a number in (0, 1]`);
  if (!(Number.isInteger(p.topK) && p.topK >= 0)) problems.push(`topK ${p.topK}, expected an integer >= 0`);
  if (problems.length > 0) throw new SrlError('validation', `invalid sampling parameters: ${problems.join('; ')}`, { details: problems });
}

/**
 * Draws one token from `logits[offset .. offset + V)` on the CPU. Consumes exactly one `rng.uniform53()` unless
 * greedy (none), so the cached and uncached generation paths draw the same stream.
 */
export function sampleToken(logits: Float32Array, offset: number, V: number, params: SamplerParams, rng: SeededRng): SampledToken {
  let max = -Infinity;
  let argmax = 0;
  for (let i = 0; i < V; i++) {
    const x = logits[offset + i];
    if (x > max) {
      max = x;
      argmax = i;
    }
  }
  if (!Number.isFinite(max)) throw new SrlError('runtime', `cannot sample: the logits contain ${max} (non-finite model output)`);
  const greedy = params.temperature === 0;
  const inv = greedy ? 1 : 1 / params.temperature;
  // Scaled probabilities (unnormalised), relative to the max, once: exp((x - max) / T) (T = 1 when greedy);
  // log p_T(t) = (x_t − max) / T − log Σ exp((x − max) / T), at T = 1 as x_t − lse.
  const probs = scratch(V);
  let total = 0;
  if (inv === 1) for (let i = 0; i < V; i++) total += probs[i] = Math.exp(logits[offset + i] - max);
  else for (let i = 0; i < V; i++) total += probs[i] = Math.exp((logits[offset + i] - max) * inv);
  // (Every term is at most 1 and the max's is 1: only a NaN logit makes the sum non-finite.)
  if (!Number.isFinite(total)) throw new SrlError('runtime', 'cannot sample: the logits contain NaN (non-finite model output)');
  const lse = max + Math.log(total);
  const logTotal = inv === 1 ? lse - max : Math.log(total);
  const logprobOf = (t: number): number => (inv === 1 ? logits[offset + t] - lse : (logits[offset + t] - max) * inv - logTotal);
  if (greedy || params.topK === 1) return { token: argmax, logprob: logprobOf(argmax) };

  // Temperature, then top-k, then top-p (the order of Hugging Face and vLLM).
  let candidates: Int32Array | null = null;
  let candidateMass = total;
  if (params.topK > 0 && params.topK < V) {
    candidates = likeliest(probs, V, params.topK);
    candidateMass = candidates.reduce((s, i) => s + probs[i], 0);
  }
  if (params.topP < 1) {
    if (candidates === null) {
      // Token j can be in the nucleus only if the mass of tokens at most as likely exceeds (1 - topP) * total;
      // V * p_j bounds that mass, so tokens with p_j <= (1 - topP) * total / V are out: drop them before sorting.
      const floor = ((1 - params.topP) / V) * total;
      candidates = sortedByProbability(
        probs,
        indicesWhere(V, (i) => probs[i] > floor || i === argmax),
      );
    }
    let cum = 0;
    let k = 0;
    while (k < candidates.length && cum < params.topP * candidateMass) cum += probs[candidates[k++]];
    candidates = candidates.subarray(0, Math.max(1, k));
  }
  let u: number;
  if (candidates === null) {
    u = rng.uniform53() * total;
    for (let i = 0; i < V; i++) {
      u -= probs[i];
      if (u < 0) return { token: i, logprob: logprobOf(i) };
    }
    return { token: argmax, logprob: logprobOf(argmax) };
  }
  let mass = 0;
  for (const i of candidates) mass += probs[i];
  u = rng.uniform53() * mass;
  for (const i of candidates) {
    u -= probs[i];
    if (u < 0) return { token: i, logprob: logprobOf(i) };
  }
  const last = candidates[candidates.length - 1];
  return { token: last, logprob: logprobOf(last) };
}

let buffer = new Float64Array(0);

/** A reused Float64Array of at least n entries (sampling runs once per row per token). */
function scratch(n: number): Float64Array {
  if (buffer.length < n) buffer = new Float64Array(n);
  return buffer;
}

function indicesWhere(V: number, keep: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < V; i++) if (keep(i)) out.push(i);
  return Int32Array.from(out);
}

/**
 * The k likeliest of indices 0..V-1 in `sortedByProbability`'s order (most likely first, ties by lower index): the
 * first k of that sort, found in one pass with a heap of k (O(V log k) instead of sorting all V).
 */
export function likeliest(probs: Float64Array, V: number, k: number): Int32Array {
  // heap[0] is the worst kept index: a child is never worse than its parent.
  const heap = new Int32Array(k);
  const worse = (a: number, b: number): boolean => probs[a] < probs[b] || (probs[a] === probs[b] && a > b);
  const down = (from: number): void => {
    for (let i = from; ; ) {
      const l = 2 * i + 1;
      if (l >= k) return;
      const c = l + 1 < k && worse(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!worse(heap[c], heap[i])) return;
      [heap[i], heap[c]] = [heap[c], heap[i]];
      i = c;
    }
  };
  for (let i = 0; i < k; i++) heap[i] = i;
  for (let i = (k >> 1) - 1; i >= 0; i--) down(i);
  for (let i = k; i < V; i++) {
    if (worse(heap[0], i)) {
      heap[0] = i;
      down(0);
    }
  }
  return sortedByProbability(probs, heap);
}

/** Indices sorted by probability, most likely first; ties by lower index. */
function sortedByProbability(probs: Float64Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices).sort((a, b) => probs[b] - probs[a] || a - b);
}
