/**
 * GRPO group-normalised advantages (SRL §3): Aᵢ = (rᵢ − mean(r)) / (std(r) + 1e-6) over the G
 * rollouts of one prompt, std the population std. A null reward (does not apply) is excluded from
 * the mean and std and gets a null advantage (the sample is left out of the loss).
 */
export interface AdvantageOptions {
  /** Divide by the group std (GRPO); false gives Dr. GRPO's mean-centred advantages. */
  scaleByStd: boolean;
  epsilon?: number;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation (numpy's default, ddof = 0). */
export function populationStd(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) * (v - m), 0) / values.length);
}

export function groupAdvantages(rewards: readonly (number | null)[], options: AdvantageOptions): (number | null)[] {
  const applied = rewards.filter((r): r is number => r !== null);
  if (applied.length === 0) return rewards.map(() => null);
  const m = mean(applied);
  const scale = options.scaleByStd ? populationStd(applied) + (options.epsilon ?? 1e-6) : 1;
  return rewards.map((r) => (r === null ? null : (r - m) / scale));
}
