import * as tf from '@tensorflow/tfjs-core';
import type { TrainStepInput, TrainStepResult } from '@srl/core';
import { SrlError } from '@srl/core';
import { tokenLogProbs } from '../model/ops/token-log-probs';
import type { Transformer } from '../model/transformer';
import type { AdamW } from './adamw';
import { clipByGlobalNorm } from './clip-by-global-norm';
import { objectiveLoss, planTokens, policyMetrics } from './objective';
import { packBatch } from './pack-batch';
import { planMicroBatches } from './plan-micro-batches';

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
 */
export async function trainStep(model: Transformer, optimizer: AdamW, input: TrainStepInput, memoryBudgetBytes = 0): Promise<TrainStepResult> {
  const { objective, items } = input;
  if (items.length === 0) throw new SrlError('validation', 'trainStep needs at least one item');
  if (input.maxGradNorm !== undefined && !(input.maxGradNorm >= 0)) throw new SrlError('validation', `maxGradNorm ${input.maxGradNorm}, expected >= 0`);
  const plan = planTokens(objective, items);
  // Policy-gradient log-probs at the sampling temperature (logits / T), matching the samples' old log-probs.
  const temperature = objective.kind === 'clipped-policy-gradient' ? (objective.temperature ?? 1) : 1;
  const names = [...model.variables.keys()];
  const varList = names.map((n) => model.variables.get(n) as tf.Variable);
  if (input.microBatchSize !== undefined && !(Number.isInteger(input.microBatchSize) && input.microBatchSize >= 0)) {
    throw new SrlError('validation', `microBatchSize ${input.microBatchSize}, expected an integer >= 0`);
  }
  const chunks = planMicroBatches(items, { size: input.microBatchSize, budgetBytes: memoryBudgetBytes, config: model.config, training: true });
  const logprobs = new Float32Array(plan.coef.length);
  const entropies = new Float32Array(plan.coef.length);
  let loss = 0;
  let grads: tf.Tensor[] | null = null;
  let first = 0;
  try {
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0) await yieldToEventLoop();
      if (input.signal?.aborted) throw new SrlError('aborted', `train step abandoned after ${index}/${chunks.length} micro-batches: stop requested; no update applied`);
      const packed = packBatch(chunk, model.config);
      const from = plan.offsets[first];
      const to = plan.offsets[first + chunk.length];
      first += chunk.length;
      if (to === from) continue; // no completion tokens: nothing to learn from
      const step = tf.variableGrads(() => {
        const { logits } = model.forward(packed.tokens, { outputRows: packed.outputRows });
        const r = tokenLogProbs(logits, packed.targets, temperature);
        logprobs.set(r.logprobs.dataSync() as Float32Array, from);
        entropies.set(r.entropies.dataSync() as Float32Array, from);
        return objectiveLoss(objective, plan, from, to, r.logprobs);
      }, varList);
      loss += step.value.dataSync()[0];
      const chunkGrads = names.map((n) => step.grads[(model.variables.get(n) as tf.Variable).name]);
      step.value.dispose();
      if (grads === null) grads = chunkGrads;
      else {
        const prev: tf.Tensor[] = grads;
        grads = prev.map((g, i) => tf.add(g, chunkGrads[i]));
        tf.dispose([...prev, ...chunkGrads]);
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
    if (grads !== null) tf.dispose(grads);
  }
}
