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
 * With `pool` (parallel/gradient-pool.ts) the micro-batches are split into contiguous runs: the first on this
 * thread, the others on the pool's workers (with this step's weights); every micro-batch's gradients are then
 * summed here in micro-batch order, so the sums are the ones one thread makes (bit-identical when the plan is
 * the same: see planChunks), and the one AdamW step is taken on this copy.
 */
export async function trainStep(
  model: Transformer,
  optimizer: AdamW,
  input: TrainStepInput,
  memoryBudgetBytes = 0,
  pool: GradientPool | null = null,
): Promise<TrainStepResult> {
  const { objective, items } = input;
  if (items.length === 0) throw new SrlError('validation', 'trainStep needs at least one item');
  if (input.maxGradNorm !== undefined && !(input.maxGradNorm >= 0)) throw new SrlError('validation', `maxGradNorm ${input.maxGradNorm}, expected >= 0`);
  const plan = planTokens(objective, items);
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
  let loss = 0;
  let grads = null as tf.Tensor[] | null; // (a cast: assigned in `accumulate`, so not narrowed to null)
  const accumulate = (chunkGrads: tf.Tensor[]): void => {
    if (grads === null) grads = chunkGrads;
    else {
      const prev: tf.Tensor[] = grads;
      grads = prev.map((g, i) => tf.add(g, chunkGrads[i]));
      tf.dispose([...prev, ...chunkGrads]);
    }
  };
  // Each micro-batch as [first item, end item).
  const bounds: Array<[number, number]> = [];
  let end = 0;
  for (const chunk of chunks) bounds.push([end, (end += chunk.length)]);
  // The main thread takes the first run of micro-batches, the workers the next runs (pool: parallel/).
  const remote = pool === null ? null : startWorkers(pool, { model, input, temperature, bounds, chunks });
  const local = remote?.localCount ?? chunks.length;
  try {
    for (let index = 0; index < local; index++) {
      if (index > 0) await yieldToEventLoop();
      if (input.signal?.aborted)
        throw new SrlError('aborted', `train step abandoned after ${index}/${chunks.length} micro-batches: stop requested; no update applied`);
      const [first, end] = bounds[index];
      const from = plan.offsets[first];
      const to = plan.offsets[end];
      if (to === from) continue; // no completion tokens: nothing to learn from
      const r = chunkGradient({ model, objective, plan, chunk: chunks[index], from, to, temperature, logprobs, entropies });
      loss += r.loss;
      accumulate(r.grads);
    }
    if (remote !== null) {
      const done = await remote.results;
      if (done === null || input.signal?.aborted)
        throw new SrlError('aborted', `train step abandoned in the gradient workers: stop requested; no update applied`);
      // In micro-batch order, as the loop above: the same sums as on one thread.
      for (const c of done) {
        if (c.grads === null) continue;
        logprobs.set(c.logprobs, plan.offsets[bounds[c.index][0]]);
        entropies.set(c.entropies, plan.offsets[bounds[c.index][0]]);
        loss += c.loss;
        accumulate(c.grads.map((g, i) => tf.tensor(g, varShapes[i])));
      }
    }
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
  }
}
