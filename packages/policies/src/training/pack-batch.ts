import type { ScoredSequence } from '@srl/core';
import { causalScoreElements } from '../model/attention';
import type { PrefixBatch } from '../model/prefix-attention';
import { packSequences, validateSequences, type SequenceBatch, type SequenceLimits } from './sequence-batch';

/** The layout `packBatch` picks for some sequences, and what one pass over it costs. */
export interface PassShape {
  /** True: the sequences' distinct prompts run once each (a PrefixBatch). */
  shared: boolean;
  /** Token positions computed (padding included). */
  positions: number;
  /** Attention score elements per head (padding included; causal blocks skipped as causalProducts skips them). */
  scores: number;
  /** Logit rows (completion tokens). */
  outputs: number;
}

/** Distinct prompts (by token ids) in first-seen order, and each sequence's prompt. */
export function promptGroups(items: readonly ScoredSequence[]): { prompts: number[][]; promptOf: Int32Array } {
  const index = new Map<string, number>();
  const prompts: number[][] = [];
  const promptOf = new Int32Array(items.length);
  let last: readonly number[] | null = null;
  items.forEach((s, i) => {
    // Items of a group usually share the very same array: skip the key then.
    if (s.promptTokenIds === last) {
      promptOf[i] = promptOf[i - 1];
      return;
    }
    const key = s.promptTokenIds.join(',');
    let p = index.get(key);
    if (p === undefined) {
      p = prompts.length;
      index.set(key, p);
      prompts.push(s.promptTokenIds as number[]);
    }
    promptOf[i] = p;
    last = s.promptTokenIds;
  });
  return { prompts, promptOf };
}

/**
 * The layout for `items`: shared prompts when some sequences repeat a prompt (a GRPO group's G completions) and
 * that computes fewer positions than whole padded rows; whole rows otherwise.
 */
export function passShape(items: readonly ScoredSequence[]): PassShape {
  const { prompts } = promptGroups(items);
  const R = items.length;
  const T = Math.max(...items.map((s) => s.promptTokenIds.length + s.completionTokenIds.length));
  const Tp = Math.max(...prompts.map((p) => p.length));
  const Tc = Math.max(...items.map((s) => s.completionTokenIds.length));
  const outputs = items.reduce((a, s) => a + s.completionTokenIds.length, 0);
  const dense = { shared: false, positions: R * T, scores: R * causalScoreElements(T), outputs };
  if (prompts.length === R || Tc === 0) return dense;
  const shared = { shared: true, positions: prompts.length * Tp + R * Tc, scores: prompts.length * causalScoreElements(Tp) + R * Tc * (Tp + Tc), outputs };
  return shared.positions < dense.positions ? shared : dense;
}

/**
 * Packs sequences for one pass in the layout `passShape` picks (same log-probs either way, to float rounding);
 * throws SrlError('validation') naming an offending sequence.
 */
export function packBatch(items: readonly ScoredSequence[], limits: SequenceLimits): SequenceBatch {
  validateSequences(items, limits);
  if (!passShape(items).shared) return packSequences(items, limits);
  const { prompts, promptOf } = promptGroups(items);
  const P = prompts.length;
  const R = items.length;
  const Tp = Math.max(...prompts.map((p) => p.length));
  const Tc = Math.max(...items.map((s) => s.completionTokenIds.length));
  const prefixIds = new Int32Array(P * Tp);
  prompts.forEach((p, i) => prefixIds.set(p, i * Tp));
  const ids = new Int32Array(R * Tc);
  const rows: number[] = [];
  const targets: number[] = [];
  const offsets = [0];
  items.forEach((s, r) => {
    ids.set(s.completionTokenIds, r * Tc);
    const p = promptOf[r];
    s.completionTokenIds.forEach((t, j) => {
      // The first completion token is predicted by the prompt's last position, the others by the row's previous.
      rows.push(j === 0 ? p * Tp + prompts[p].length - 1 : P * Tp + r * Tc + j - 1);
      targets.push(t);
    });
    offsets.push(targets.length);
  });
  const tokens: PrefixBatch = {
    prefixIds,
    prefixes: P,
    prefixLength: Tp,
    prefixLengths: Int32Array.from(prompts, (p) => p.length),
    ids,
    batch: R,
    length: Tc,
    prefixOf: promptOf,
  };
  return { tokens, outputRows: Int32Array.from(rows), targets: Int32Array.from(targets), offsets };
}
