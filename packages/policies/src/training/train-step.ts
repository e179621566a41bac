import * as tf from '@tensorflow/tfjs-core';
import type { TrainStepInput, TrainStepResult } from '@srl/core';
import { SrlError } from '@srl/core';
import type { Transformer } from '../model/transformer';
import type { AdamW } from './adamw';
import { clipByGlobalNorm } from './clip-by-global-norm';
import { chunkGradient } from '../parallel/chunk-gradient';
import type { GradientPool } from '../parallel/gradient-pool';
import { planChunks, startWorkers } from '../parallel/start-workers';
import { planTokens, policyMetrics } from './objective';
import { lengthOrdered } from './plan-micro-batches';

/** Lets a pending signal's handler run between micro-batches (their tensor work is synchronous). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * One optimizer step on `input.items`: gradients accumulated over micro-batches (each micro-batch's loss is
 * already normalised for the whole step, so the sum equals the full-batch loss), clipped by global norm, then an
 * AdamW update. A non-finite loss or gradient norm skips the update (`skipped: true`, weights untouched).
 * Without `input.microBatchSize`, micro-batches are sized to `memoryBudgetBytes` (plan-micro-batches.ts; 0 = one
 * pass). Items with equal `promptTokenIds` in a micro-batch share one pass over their prompt (pack-batch.ts).
 * Between micro-batches it yields to the event loop, so a SIGINT is seen mid-step; once `input.signal` is
 * aborted it abandons the step before the update (weights and optimizer untouched, gradients disposed) and
 * throws `SrlError` kind 'aborted'. Leaves no tensors behind.
 * With `pool` (parallel/gradient-pool.ts) the micro-batches are shared between this thread and the pool's
 * workers, each lane claiming the next one, costliest first, when it is free (start-workers.ts; the workers with
 * this step's weights); every micro-batch's
 * gradients and loss are then summed here in micro-batch order, so the sums are the ones one thread makes
 * (bit-identical when the plan is the same: see planChunks), and the one AdamW step is taken on this copy.
 */
export async function trainStep(
  model: Transformer,
  optimizer: AdamW,
  input: TrainStepInput,
  memoryBudgetBytes = 0,
  pool: GradientPool | null = null,
): Promise<TrainStepResult> {
  const { objective } = input;
  // Sequences of similar length share micro-batches (less padding); same loss and gradients in any order.
  const items = lengthOrdered(input.items);
  if (items.length === 0) throw new SrlError('validation', 'trainStep needs at least one item');
  if (input.maxGradNorm !== undefined && !(input.maxGradNorm >= 0)) throw new SrlError('validation', `maxGradNorm ${input.maxGradNorm}, expected >= 0`);
  // Problems are reported by the caller's item index, not the length order's (looked up only for a problem).
  const plan = planTokens(objective, items, (i) => input.items.indexOf(items[i]));
  // Policy-gradient log-probs at the sampling temperature (logits / T), matching the samples' old log-probs.
  const temperature = objective.kind === 'clipped-policy-gradient' ? (objective.temperature ?? 1) : 1;
  const names = [...model.variables.keys()];
  const varShapes = [...model.variables.values()].map((v) => v.shape);
  if (input.microBatchSize !== undefined && !(Number.isInteger(input.microBatchSize) && input.microBatchSize >= 0)) {
    throw new SrlError('validation', `microBatchSize ${input.microBatchSize}, expected an integer >= 0`);
  }
  const chunks = planChunks(items, input.microBatchSize, memoryBudgetBytes, model, pool?.lanes ?? 1);
  const logprobs = new Float32Array(plan.coef.length);
  const entropies = new Float32Array(plan.coef.length);
  const losses = new Array<number>(chunks.length).fill(0);
  let grads = null as tf.Tensor[] | null; // (a cast: assigned in `fold`, so not narrowed to null)
  // Micro-batch gradients are folded into `grads` in micro-batch order whichever lane computed them (the same
  // sums as on one thread); one that arrives early waits in `early`.
  const early = new Map<number, tf.Tensor[] | null>();
  let next = 0;
  const fold = (index: number, chunkGrads: tf.Tensor[] | null): void => {
    early.set(index, chunkGrads);
    for (; early.has(next); next++) {
      const g = early.get(next) as tf.Tensor[] | null;
      early.delete(next);
      if (g === null) continue;
      if (grads === null) grads = g;
      else {
        const prev: tf.Tensor[] = grads;
        grads = prev.map((x, i) => tf.add(x, g[i]));
        tf.dispose([...prev, ...g]);
      }
    }
  };
  // Each micro-batch as [first item, end item).
  const bounds: Array<[number, number]> = [];
  let end = 0;
  for (const chunk of chunks) bounds.push([end, (end += chunk.length)]);
  // The main thread takes its share of the micro-batches, the workers the rest (pool: parallel/).
  const remote = pool === null ? null : startWorkers(pool, { model, input: { ...input, items: [...items] }, temperature, bounds, chunks });
  // This thread's next micro-batch: in plan order alone, else the next one free (start-workers.ts).
  let own = 0;
  const claim = (): number => (remote !== null ? remote.claim() : own < chunks.length ? own++ : -1);
  try {
    for (let k = 0, index = claim(); index >= 0; k++, index = claim()) {
      if (k > 0) await yieldToEventLoop();
      if (input.signal?.aborted)
        throw new SrlError(
          'aborted',
          `train step abandoned after ${k} of its ${chunks.length} micro-batches, on this thread: stop requested; no update applied`,
        );
      const [first, end] = bounds[index];
      const from = plan.offsets[first];
      const to = plan.offsets[end];
      if (to === from) {
        fold(index, null); // no completion tokens: nothing to learn from
        continue;
      }
      const r = chunkGradient({ model, objective, plan, chunk: chunks[index], from, to, temperature, logprobs, entropies });
      losses[index] = r.loss;
      fold(index, r.grads);
    }
    if (remote !== null) {
      const done = await remote.results;
      if (done === null || input.signal?.aborted)
        throw new SrlError('aborted', `train step abandoned in the gradient workers: stop requested; no update applied`);
      for (const c of done) {
        if (c.grads === null) {
          fold(c.index, null);
          continue;
        }
        losses[c.index] = c.loss;
        logprobs.set(c.logprobs, plan.offsets[bounds[c.index][0]]);
        entropies.set(c.entropies, plan.offsets[bounds[c.index][0]]);
        fold(
          c.index,
          c.grads.map((g, i) => tf.tensor(g, varShapes[i])),
        );
      }
    }
    const loss = losses.reduce((a, b) => a + b, 0); // in micro-batch order, as the gradients
    const tokens = plan.coef.length;
    let entropy = 0;
    let counted = 0;
    for (let t = 0; t < tokens; t++) if (plan.counted[t] === 1) (entropy += entropies[t]), counted++;
    const metrics = { tokens, entropy: counted > 0 ? entropy / counted : 0, ...policyMetrics(objective, plan, logprobs) };
    if (grads === null) return { loss: 0, gradNorm: 0, skipped: true, ...metrics };
    const { norm, clipped } = clipByGlobalNorm(grads, input.maxGradNorm ?? 0);
    try {
      if (!Number.isFinite(loss) || !Number.isFinite(norm)) return { loss, gradNorm: norm, skipped: true, ...metrics };
      optimizer.step(new Map(names.map((n, i) => [n, clipped[i]])), input.learningRate);
      return { loss, gradNorm: norm, skipped: false, ...metrics };
    } finally {
      if (clipped !== grads) tf.dispose(clipped);
    }
  } finally {
    remote?.abort();
    // Wait for the workers even when this thread failed, so no step's results arrive during the next one.
    await remote?.results.catch(() => null);
    if (grads !== null) tf.dispose(grads);
    for (const g of early.values()) if (g !== null) tf.dispose(g);
  }
}
