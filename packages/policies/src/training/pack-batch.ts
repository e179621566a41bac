import type { ScoredSequence } from '@srl/core';
import { causalScoreElements, continuationScoreElements } from '../model/attention';
import type { PrefixBatch } from '../model/prefix-attention';
import type { TransformerConfig } from '../model/transformer-config';
import { passCost } from '../parallel/pass-cost';
import { packSequences, validateSequences, type SequenceBatch, type SequenceLimits } from './sequence-batch';

/**
 * The layouts `packBatch` can pick: `rows`, every sequence whole in its own right-padded row; `prompts`, each
 * distinct prompt once, its sequences' completions continuing it (a GRPO group's G completions); `prefix`, the
 * prompts' longest common prefix once (a task's system prompt, an issue shared by an agent's steps), each
 * sequence's rest of prompt and completion continuing it.
 */
export type PassLayout = 'rows' | 'prompts' | 'prefix';

/** The layout `packBatch` picks for some sequences, and what one pass over it costs. */
export interface PassShape {
  layout: PassLayout;
  /** True: a PrefixBatch (layout `prompts` or `prefix`). */
  shared: boolean;
  /** Prompt tokens in the one shared prefix (layout `prefix`), else 0. */
  prefixLength: number;
  /** Token positions computed (padding included). */
  positions: number;
  /** Attention score elements per head (padding included; causal blocks skipped as causalProducts skips them). */
  scores: number;
  /** Logit rows (completion tokens). */
  outputs: number;
}

/** The model sizes a layout's cost is estimated from (passCost). */
export type ShapeConfig = Pick<TransformerConfig, 'hiddenSize' | 'numHeads' | 'numKvHeads' | 'intermediateSize' | 'numLayers' | 'vocabSize'>;

/**
 * The `prefix` layout only when its estimated cost is below this fraction of the other layout's: the estimate
 * leaves out its gathers of the prefix's keys and values per row and their gradient. Measured on wasm (8 SFT
 * instances, rests of 150-680 tokens, hidden 64): 1.13x the time of whole rows at an estimated 0.97, 1.00x at
 * 0.95, 0.86x at 0.85, 0.83x at 0.72.
 */
const PREFIX_MAX_COST = 0.9;

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
 * that computes fewer positions than whole padded rows, whole rows otherwise; then the common-prefix layout
 * instead when the prompts share a prefix and that is estimated (passCost with `config`) to cost at most
 * PREFIX_MAX_COST of the first choice.
 */
export function passShape(items: readonly ScoredSequence[], config: ShapeConfig): PassShape {
  const { prompts } = promptGroups(items);
  const R = items.length;
  const T = Math.max(...items.map((s) => s.promptTokenIds.length + s.completionTokenIds.length));
  const Tp = Math.max(...prompts.map((p) => p.length));
  const Tc = Math.max(...items.map((s) => s.completionTokenIds.length));
  const outputs = items.reduce((a, s) => a + s.completionTokenIds.length, 0);
  const base = { prefixLength: 0, outputs };
  const dense: PassShape = { ...base, layout: 'rows', shared: false, positions: R * T, scores: R * causalScoreElements(T) };
  const grouped: PassShape = {
    ...base,
    layout: 'prompts',
    shared: true,
    positions: prompts.length * Tp + R * Tc,
    scores: prompts.length * causalScoreElements(Tp) + R * continuationScoreElements(Tp, Tc),
  };
  const first = prompts.length < R && Tc > 0 && grouped.positions < dense.positions ? grouped : dense;
  const L = prompts.length > 1 ? commonPrefixLength(prompts) : 0;
  if (L === 0) return first;
  // Each row continues the prefix with the rest of its prompt and its completion.
  const Tr = T - L;
  const prefix: PassShape = {
    ...base,
    layout: 'prefix',
    shared: true,
    prefixLength: L,
    positions: L + R * Tr,
    scores: causalScoreElements(L) + R * continuationScoreElements(L, Tr),
  };
  return passCost(prefix, config) <= PREFIX_MAX_COST * passCost(first, config) ? prefix : first;
}

/** The length of the longest prefix that every one of `prompts` starts with. */
function commonPrefixLength(prompts: readonly (readonly number[])[]): number {
  let L = Math.min(...prompts.map((p) => p.length));
  for (const p of prompts.slice(1)) {
    let i = 0;
    while (i < L && p[i] === prompts[0][i]) i++;
    L = i;
  }
  return L;
}

/**
 * Packs sequences for one pass in the layout `passShape` picks (same log-probs either way, to float rounding);
 * throws SrlError('validation') naming an offending sequence.
 */
export function packBatch(items: readonly ScoredSequence[], config: SequenceLimits & ShapeConfig): SequenceBatch {
  validateSequences(items, config);
  const shape = passShape(items, config);
  if (shape.layout === 'rows') return packSequences(items, config);
  return shape.layout === 'prompts' ? packPrompts(items) : packCommonPrefix(items, shape.prefixLength);
}

/** The `prompts` layout: each distinct prompt a prefix, each sequence's completion a continuation row. */
function packPrompts(items: readonly ScoredSequence[]): SequenceBatch {
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

/**
 * The `prefix` layout: the first L prompt tokens (common to every sequence) one prefix, each sequence's
 * remaining prompt tokens and its completion a continuation row. A completion token is predicted by the token
 * before it: in the row, or the prefix's last token when the prompt is the prefix itself.
 */
function packCommonPrefix(items: readonly ScoredSequence[], L: number): SequenceBatch {
  const R = items.length;
  const Tr = Math.max(...items.map((s) => s.promptTokenIds.length + s.completionTokenIds.length)) - L;
  const ids = new Int32Array(R * Tr);
  const rows: number[] = [];
  const targets: number[] = [];
  const offsets = [0];
  items.forEach((s, r) => {
    const tail = s.promptTokenIds.length - L;
    ids.set(s.promptTokenIds.slice(L), r * Tr);
    ids.set(s.completionTokenIds, r * Tr + tail);
    s.completionTokenIds.forEach((t, j) => {
      rows.push(tail + j === 0 ? L - 1 : L + r * Tr + tail + j - 1);
      targets.push(t);
    });
    offsets.push(targets.length);
  });
  const tokens: PrefixBatch = {
    prefixIds: Int32Array.from(items[0].promptTokenIds.slice(0, L)),
    prefixes: 1,
    prefixLength: L,
    prefixLengths: Int32Array.of(L),
    ids,
    batch: R,
    length: Tr,
    prefixOf: new Int32Array(R),
  };
  return { tokens, outputRows: Int32Array.from(rows), targets: Int32Array.from(targets), offsets };
}
