/**
 * Reference (pure JS, float64) implementations of the training objectives that policies compute
 * with tensors. Policies test their tensor code against these; trainers' unit tests check these
 * against hand-computed values. GRPO/PPO clipped surrogate (SRL §3), k3 KL estimator (Schulman).
 */
export interface PgToken {
  logprob: number;
  oldLogprob: number;
  advantage: number;
  refLogprob?: number;
}

export interface PgLossOptions {
  clipLow: number;
  clipHigh: number;
  klBeta: number;
  aggregation: 'token-mean' | 'sequence-mean';
  /** TRL's `use_bias_correction_kl` (DeepSeek-V3.2): the k3 term times the ratio exp(logp − old) (default false). */
  klRatioCorrection?: boolean;
}

/** Per-token clipped surrogate loss: −min(ρA, clip(ρ, 1−εlow, 1+εhigh)A), with ρ = exp(logp − old). */
export function clippedTokenLoss(t: PgToken, o: Pick<PgLossOptions, 'clipLow' | 'clipHigh'>): { loss: number; clipped: boolean } {
  const ratio = Math.exp(t.logprob - t.oldLogprob);
  const clippedRatio = Math.min(Math.max(ratio, 1 - o.clipLow), 1 + o.clipHigh);
  const unclippedObj = ratio * t.advantage;
  const clippedObj = clippedRatio * t.advantage;
  return { loss: -Math.min(unclippedObj, clippedObj), clipped: clippedObj < unclippedObj };
}

/** k3 estimator of KL(π‖π_ref) per token: exp(ref − logp) − (ref − logp) − 1 ≥ 0. */
export function k3Kl(logprob: number, refLogprob: number): number {
  const d = refLogprob - logprob;
  return Math.exp(d) - d - 1;
}

/** The loss over sequences of tokens, aggregated as token-mean or sequence-mean; `kl` is the mean KL term as it enters the loss. */
export function policyGradientLoss(sequences: PgToken[][], o: PgLossOptions): { loss: number; clipFraction: number; kl: number } {
  let total = 0;
  let tokens = 0;
  let clipped = 0;
  let klSum = 0;
  const perSequence: number[] = [];
  for (const seq of sequences) {
    let seqSum = 0;
    for (const t of seq) {
      const { loss, clipped: c } = clippedTokenLoss(t, o);
      const k3 = t.refLogprob === undefined ? 0 : k3Kl(t.logprob, t.refLogprob);
      const kl = o.klRatioCorrection ? k3 * Math.exp(t.logprob - t.oldLogprob) : k3;
      const l = loss + o.klBeta * kl;
      seqSum += l;
      total += l;
      tokens++;
      clipped += c ? 1 : 0;
      klSum += kl;
    }
    if (seq.length) perSequence.push(seqSum / seq.length);
  }
  const loss = o.aggregation === 'token-mean' ? total / Math.max(1, tokens) : perSequence.reduce((a, b) => a + b, 0) / Math.max(1, perSequence.length);
  return { loss, clipFraction: clipped / Math.max(1, tokens), kl: klSum / Math.max(1, tokens) };
}

/** Masked cross-entropy: mean negative log-likelihood of the completion tokens. */
export function crossEntropyLoss(logprobs: readonly number[][]): number {
  let sum = 0;
  let n = 0;
  for (const seq of logprobs) for (const lp of seq) (sum -= lp), n++;
  return sum / Math.max(1, n);
}
