import type { ScoredSequence } from '@srl/core';
import { SrlError } from '@srl/core/base';
import type { PrefixBatch } from '../model/prefix-attention';
import type { TokenBatch } from '../model/transformer';

/**
 * Prompt + completion sequences packed for one forward pass: right-padded token rows (or a PrefixBatch whose
 * rows share prompts), the logit rows that predict each completion token (the position before it: prompt tokens
 * are never predicted, so they are masked by construction), and the completion tokens as targets, sequence after
 * sequence.
 */
export interface SequenceBatch {
  tokens: TokenBatch | PrefixBatch;
  /** Token row that predicts each completion token (b*T + t for a TokenBatch; a PrefixBatch's own row order). */
  outputRows: Int32Array;
  targets: Int32Array;
  /** Start of each sequence's tokens in outputRows/targets (length: sequences + 1). */
  offsets: number[];
}

export interface SequenceLimits {
  vocabSize: number;
  maxPositions: number;
}

/** Throws SrlError('validation') naming the first offending sequence. */
export function validateSequences(items: readonly ScoredSequence[], limits: SequenceLimits): void {
  if (items.length === 0) throw new SrlError('validation', 'no sequences to pack');
  items.forEach((s, i) => {
    if (s.promptTokenIds.length === 0)
      throw new SrlError('validation', `sequence ${i} has an empty prompt; the first completion token needs a token before it (e.g. BOS)`);
    const total = s.promptTokenIds.length + s.completionTokenIds.length;
    if (total > limits.maxPositions)
      throw new SrlError('validation', `sequence ${i} has ${total} tokens, more than the model's maxPositions ${limits.maxPositions}`);
    for (const t of [...s.promptTokenIds, ...s.completionTokenIds]) {
      if (!(Number.isInteger(t) && t >= 0 && t < limits.vocabSize))
        throw new SrlError('validation', `sequence ${i} has token id ${t}, expected an integer in [0, ${limits.vocabSize})`);
    }
  });
}

/** Packs sequences as whole right-padded rows; throws SrlError('validation') naming the offending sequence. */
export function packSequences(items: readonly ScoredSequence[], limits: SequenceLimits): SequenceBatch {
  validateSequences(items, limits);
  const T = Math.max(...items.map((s) => s.promptTokenIds.length + s.completionTokenIds.length));
  const ids = new Int32Array(items.length * T);
  const offsets = [0];
  const rows: number[] = [];
  const targets: number[] = [];
  items.forEach((s, b) => {
    ids.set(s.promptTokenIds, b * T);
    ids.set(s.completionTokenIds, b * T + s.promptTokenIds.length);
    s.completionTokenIds.forEach((t, j) => {
      rows.push(b * T + s.promptTokenIds.length + j - 1);
      targets.push(t);
    });
    offsets.push(targets.length);
  });
  return { tokens: { ids, batch: items.length, length: T }, outputRows: Int32Array.from(rows), targets: Int32Array.from(targets), offsets };
}

/** Splits items into consecutive chunks of at most `size` (all in one when size is undefined or 0). */
export function microBatches<T>(items: readonly T[], size: number | undefined): T[][] {
  if (size !== undefined && !(Number.isInteger(size) && size >= 0)) throw new SrlError('validation', `microBatchSize ${size}, expected an integer >= 0`);
  const n = size === undefined || size === 0 ? items.length : size;
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}
