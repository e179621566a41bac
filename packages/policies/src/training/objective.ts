/**
 * The losses behind `TrainingObjective` (packages/core/src/contracts/policy.ts): SFT's masked cross-entropy and
 * the clipped policy gradient of PPO/GRPO that SRL trains with (SRL §3; DAPO's asymmetric clip range), with an
 * optional k3 KL penalty to reference log-probs (Schulman's estimator, as in GRPO).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingItem, TrainingObjective } from '@srl/core';
import { SrlError } from '@srl/core/base';

/**
 * Per-token numbers of a whole step (all micro-batches), in item order: the weight each token's loss gets in the
 * final (already normalised) sum, and the policy-gradient inputs.
 */
export interface TokenPlan {
  coef: Float64Array;
  advantage: Float64Array;
  old: Float64Array;
  ref: Float64Array | null;
  /** Tokens with weight > 0 (the ones metrics average over). */
  counted: Uint8Array;
  /** Start of each item's tokens. */
  offsets: number[];
}

/**
 * Validates the items against the objective and computes each token's coefficient. Problems name `items[itemIndex(i)]`:
 * the caller's index of item i when `items` are a reordering of what the caller passed.
 */
export function planTokens(objective: TrainingObjective, items: readonly TrainingItem[], itemIndex: (i: number) => number = (i) => i): TokenPlan {
  const problems: string[] = [];
  const offsets = [0];
  for (const it of items) offsets.push(offsets[offsets.length - 1] + it.completionTokenIds.length);
  const n = offsets[offsets.length - 1];
  const weight = new Float64Array(n);
  const advantage = new Float64Array(n);
  const old = new Float64Array(n);
  const pg = objective.kind === 'clipped-policy-gradient';
  // Reference log-probs are required for a KL penalty, and reported on (kl metric) whenever every item has them.
  const needRef = pg && objective.klBeta > 0;
  const withRef = needRef || (pg && items.length > 0 && items.every((it) => it.refLogprobs !== undefined));
  const ref = withRef ? new Float64Array(n) : null;
  if (pg) {
    if (!(objective.clipLow >= 0 && objective.clipLow < 1)) problems.push(`clipLow ${objective.clipLow}, expected a number in [0, 1)`);
    if (!(objective.clipHigh >= 0)) problems.push(`clipHigh ${objective.clipHigh}, expected >= 0`);
    if (!(objective.klBeta >= 0)) problems.push(`klBeta ${objective.klBeta}, expected >= 0`);
    if (objective.aggregation !== 'token-mean' && objective.aggregation !== 'sequence-mean')
      problems.push(`aggregation ${JSON.stringify(objective.aggregation)}, expected token-mean or sequence-mean`);
    if (objective.temperature !== undefined && !(objective.temperature >= 0 && Number.isFinite(objective.temperature)))
      problems.push(`temperature ${objective.temperature}, expected a finite number >= 0`);
  } else if (objective.kind !== 'cross-entropy') {
    problems.push(`objective kind ${JSON.stringify((objective as { kind: unknown }).kind)}, expected cross-entropy or clipped-policy-gradient`);
  }
  items.forEach((it, i) => {
    const len = it.completionTokenIds.length;
    const at = offsets[i];
    const arr = (name: string, a: readonly number[] | undefined, required: boolean, into: Float64Array | null): void => {
      if (a === undefined) {
        if (required) problems.push(`items[${itemIndex(i)}].${name} is missing`);
        return;
      }
      if (a.length !== len) problems.push(`items[${itemIndex(i)}].${name} has ${a.length} values for ${len} completion tokens`);
      else if (!a.every(Number.isFinite)) problems.push(`items[${itemIndex(i)}].${name} has a non-finite value`);
      else if (into !== null) into.set(a, at);
    };
    if (it.weights === undefined) weight.fill(1, at, at + len);
    arr('weights', it.weights, false, weight);
    if (it.weights?.some((w) => w < 0)) problems.push(`items[${itemIndex(i)}].weights has a negative value`);
    if (pg) {
      if (!Number.isFinite(it.advantage)) problems.push(`items[${itemIndex(i)}].advantage is ${it.advantage}, expected a finite number`);
      advantage.fill(it.advantage ?? 0, at, at + len);
      arr('oldLogprobs', it.oldLogprobs, true, old);
      arr('refLogprobs', it.refLogprobs, needRef, ref);
    }
  });
  if (problems.length > 0) throw new SrlError('validation', `invalid training batch: ${problems.slice(0, 6).join('; ')}`, { details: problems });

  const coef = new Float64Array(n);
  const counted = Uint8Array.from(weight, (w) => (w > 0 ? 1 : 0));
  if (pg && objective.aggregation === 'sequence-mean') {
    const sums = items.map((_, i) => weight.subarray(offsets[i], offsets[i + 1]).reduce((a, b) => a + b, 0));
    const sequences = sums.filter((s) => s > 0).length;
    items.forEach((_, i) => {
      for (let t = offsets[i]; t < offsets[i + 1]; t++) coef[t] = sums[i] > 0 ? weight[t] / (sums[i] * sequences) : 0;
    });
  } else {
    const total = weight.reduce((a, b) => a + b, 0);
    for (let t = 0; t < n; t++) coef[t] = total > 0 ? weight[t] / total : 0;
  }
  return { coef, advantage, old, ref, counted, offsets };
}

/**
 * The loss of tokens [from, to) of a plan, given their log-probs under the current weights (differentiable):
 * cross-entropy: -sum coef * logp; policy gradient: -sum coef * min(r A, clip(r, 1 - clipLow, 1 + clipHigh) A)
 * + klBeta * sum coef * (exp(ref - logp) - (ref - logp) - 1) (times r with klRatioCorrection), with r = exp(logp - old). Summing the losses of all
 * micro-batches gives the step's loss. The caller owns the scalar (call inside tidy).
 */
export function objectiveLoss(objective: TrainingObjective, plan: TokenPlan, from: number, to: number, logprobs: tf.Tensor1D): tf.Scalar {
  const coef = tf.tensor1d(Float32Array.from(plan.coef.subarray(from, to)));
  if (objective.kind === 'cross-entropy') return tf.neg(tf.sum(tf.mul(coef, logprobs))) as tf.Scalar;
  const adv = tf.tensor1d(Float32Array.from(plan.advantage.subarray(from, to)));
  const ratio = tf.exp(tf.sub(logprobs, tf.tensor1d(Float32Array.from(plan.old.subarray(from, to)))));
  const clipped = tf.clipByValue(ratio, 1 - objective.clipLow, 1 + objective.clipHigh);
  const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(clipped, adv));
  let loss = tf.neg(tf.sum(tf.mul(coef, surrogate)));
  if (objective.klBeta > 0 && plan.ref !== null) {
    const diff = tf.sub(tf.tensor1d(Float32Array.from(plan.ref.subarray(from, to))), logprobs);
    let k3 = tf.sub(tf.sub(tf.exp(diff), diff), 1);
    // TRL's use_bias_correction_kl: k3 times the ratio, the gradient flowing through both.
    if (objective.klRatioCorrection) k3 = tf.mul(k3, ratio);
    loss = tf.add(loss, tf.mul(objective.klBeta, tf.sum(tf.mul(coef, k3))));
  }
  return loss as tf.Scalar;
}

/** Mean clip fraction and k3 KL over the counted tokens, from the log-probs (float64, on the CPU). */
export function policyMetrics(objective: TrainingObjective, plan: TokenPlan, logprobs: Float32Array): { clipFraction?: number; kl?: number } {
  if (objective.kind !== 'clipped-policy-gradient') return {};
  let clipped = 0;
  let kl = 0;
  let counted = 0;
  for (let t = 0; t < logprobs.length; t++) {
    if (plan.counted[t] === 0) continue;
    counted++;
    const r = Math.exp(logprobs[t] - plan.old[t]);
    const a = plan.advantage[t];
    // The clipped branch is the active one (its surrogate is strictly smaller).
    if (Math.min(Math.max(r, 1 - objective.clipLow), 1 + objective.clipHigh) * a < r * a) clipped++;
    if (plan.ref !== null) {
      const d = plan.ref[t] - logprobs[t];
      kl += (Math.exp(d) - d - 1) * (objective.klRatioCorrection ? r : 1);
    }
  }
  const out: { clipFraction?: number; kl?: number } = { clipFraction: counted > 0 ? clipped / counted : 0 };
  if (plan.ref !== null) out.kl = counted > 0 ? kl / counted : 0;
  return out;
}
