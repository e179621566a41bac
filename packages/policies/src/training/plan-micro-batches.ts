import type { ScoredSequence } from '@srl/core';
import { SrlError } from '@srl/core';
import type { TransformerConfig } from '../model/transformer-config';
import { passShape, promptGroups, type PassShape } from './pack-batch';
import { microBatches } from './sequence-batch';

/**
 * Estimated bytes of tensors alive during one pass of `shape`: with `training`, the activations autodiff keeps for
 * the backward (per position and layer: norms, the fused projection and its head layouts, the MLP's
 * intermediates; per score element: six tensors per layer (scores, masked scores, probabilities and what their
 * gradients keep), plus the backward's transients) and the logits with their softmax; without, one layer's
 * transients. float32 throughout. An estimate for sizing micro-batches, calibrated on tfjs's peak bytes of a
 * quickstart-sized SFT step (estimated 1.2 GB, measured 1.1 GB), not an accounting.
 */
export function passBytes(
  shape: PassShape,
  c: Pick<TransformerConfig, 'hiddenSize' | 'numHeads' | 'numKvHeads' | 'intermediateSize' | 'numLayers' | 'vocabSize'>,
  training: boolean,
): number {
  const D = c.hiddenSize / c.numHeads;
  const perPosition = 12 * c.hiddenSize + 3 * (c.numHeads + 2 * c.numKvHeads) * D + 6 * c.intermediateSize;
  const scores = c.numHeads * shape.scores;
  const logits = shape.outputs * c.vocabSize;
  const floats = training
    ? c.numLayers * (shape.positions * perPosition + 6 * scores) + 5 * scores + 4 * logits
    : shape.positions * perPosition + 3 * scores + 3 * logits;
  return 4 * floats;
}

/**
 * Consecutive micro-batches of `items`: of exactly `size` items when given (> 0), else as many items as fit
 * `budgetBytes` by `passBytes` (a budget of 0 means no limit), and at most `maxItems`. Runs of consecutive items
 * with the same prompt (a GRPO group) stay whole when they fit, so their prompt runs once; a run too large for
 * the budget alone is split item by item (at least one item per micro-batch).
 */
export function planMicroBatches<T extends ScoredSequence>(
  items: readonly T[],
  options: { size?: number; budgetBytes: number; maxItems?: number; config: TransformerConfig; training: boolean },
): T[][] {
  if (options.size !== undefined && options.size > 0) return microBatches(items, options.size);
  if (!(options.budgetBytes >= 0)) throw new SrlError('validation', `memory budget ${options.budgetBytes} bytes, expected >= 0`);
  const fits = (chunk: readonly T[]): boolean =>
    (options.maxItems === undefined || chunk.length <= options.maxItems) &&
    (options.budgetBytes === 0 || passBytes(passShape(chunk, options.config), options.config, options.training) <= options.budgetBytes);
  const { promptOf } = promptGroups(items);
  const runs: T[][] = [];
  items.forEach((item, i) => (i > 0 && promptOf[i] === promptOf[i - 1] ? runs[runs.length - 1].push(item) : runs.push([item])));
  const out: T[][] = [];
  let chunk: T[] = [];
  const add = (unit: T[]): void => {
    if (chunk.length > 0 && !fits([...chunk, ...unit])) {
      out.push(chunk);
      chunk = [];
    }
    chunk.push(...unit);
  };
  for (const run of runs) {
    if (fits(run)) add(run);
    else for (const item of run) add([item]);
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/**
 * `items` reordered for packing: runs of consecutive items with the same prompt (a GRPO group) stay together and
 * in order, and runs are sorted by their longest sequence, longest first (stable), so that consecutive
 * micro-batches hold sequences of similar length and pad little. A train step's loss and gradients do not depend
 * on the order of its items (up to float32 summation order). Returns `items` itself when nothing moves.
 */
export function lengthOrdered<T extends ScoredSequence>(items: readonly T[]): readonly T[] {
  const { promptOf } = promptGroups(items);
  const runs: { items: T[]; longest: number }[] = [];
  items.forEach((item, i) => {
    const n = item.promptTokenIds.length + item.completionTokenIds.length;
    const last = runs[runs.length - 1];
    if (i > 0 && promptOf[i] === promptOf[i - 1]) {
      last.items.push(item);
      last.longest = Math.max(last.longest, n);
    } else runs.push({ items: [item], longest: n });
  });
  const sorted = runs.map((r, i) => ({ ...r, i })).sort((a, b) => b.longest - a.longest || a.i - b.i);
  if (sorted.every((r, i) => r.i === i)) return items;
  return sorted.flatMap((r) => r.items);
}
