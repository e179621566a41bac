import * as tf from '@tensorflow/tfjs-core';
import type { TrainingItem, TrainingObjective } from '@srl/core';
import { tokenLogProbs } from '../model/ops/token-log-probs';
import type { Transformer } from '../model/transformer';
import { objectiveLoss, type TokenPlan } from '../training/objective';
import { packBatch } from '../training/pack-batch';

/** One micro-batch's share of a train step. */
export interface ChunkGradient {
  /** The micro-batch's (already step-normalised) loss. */
  loss: number;
  /** Gradients in `model.variables` order. Owned by the caller: dispose them. */
  grads: tf.Tensor[];
}

/**
 * Loss and gradients of the micro-batch `chunk`, whose tokens are `plan`'s [from, to); writes its tokens'
 * log-probs and entropies into `logprobs` / `entropies` at `from`. The same code runs in the main thread and in
 * gradient workers (gradient-worker.ts), so a micro-batch gives the same bits wherever it runs.
 */
export function chunkGradient(input: {
  model: Transformer;
  objective: TrainingObjective;
  plan: TokenPlan;
  chunk: readonly TrainingItem[];
  from: number;
  to: number;
  temperature: number;
  logprobs: Float32Array;
  entropies: Float32Array;
}): ChunkGradient {
  const { model, objective, plan, from, to, temperature } = input;
  const packed = packBatch(input.chunk, model.config);
  const varList = [...model.variables.values()];
  const step = tf.variableGrads(() => {
    const { logits } = model.forward(packed.tokens, { outputRows: packed.outputRows });
    const r = tokenLogProbs(logits, packed.targets, temperature);
    input.logprobs.set(r.logprobs.dataSync() as Float32Array, from);
    input.entropies.set(r.entropies.dataSync() as Float32Array, from);
    return objectiveLoss(objective, plan, from, to, r.logprobs);
  }, varList);
  const loss = step.value.dataSync()[0];
  step.value.dispose();
  return { loss, grads: varList.map((v) => step.grads[v.name]) };
}
