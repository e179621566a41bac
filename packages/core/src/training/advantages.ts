/**
 * GRPO group-normalised advantages (SRL §3): Aᵢ = (rᵢ − mean(r)) / (std(r) + ε) over the G rollouts of one
 * prompt. srl's default is the population std with ε = 1e-6; `std: 'sample'` (Bessel-corrected, torch's
 * `Tensor.std`) is what TRL (ε = 1e-4) and verl (ε = 1e-6) use. A null reward (does not apply) is excluded
 * from the mean and std and gets a null advantage (the sample is left out of the loss).
 */
export interface AdvantageOptions {
  /** Divide by the group std (GRPO); false gives Dr. GRPO's mean-centred advantages. */
  scaleByStd: boolean;
  /** Added to the std before dividing (default 1e-6). */
  epsilon?: number;
  /** `population` (ddof = 0, srl's default) or `sample` (ddof = 1, TRL and verl). */
  std?: AdvantageStd;
}

export type AdvantageStd = 'population' | 'sample';

/** The mean; exactly the common value when all values are equal (a plain sum of 8 × 0.1 / 8 is 0.09999999999999999). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (allEqual(values)) return values[0];
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation (numpy's default, ddof = 0); exactly 0 when all values are equal. */
export function populationStd(values: readonly number[]): number {
  return standardDeviation(values, 0);
}

/** Sample standard deviation (ddof = 1, torch's `Tensor.std` default); exactly 0 when all values are equal, and for a single value (torch: NaN). */
export function sampleStd(values: readonly number[]): number {
  return standardDeviation(values, 1);
}

/** Two-pass std (mean, then squared deviations) over n − ddof, with an all-equal check so identical values give exactly 0. */
function standardDeviation(values: readonly number[], ddof: 0 | 1): number {
  if (values.length === 0) return 0;
  if (values.length <= ddof || allEqual(values)) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) * (v - m), 0) / (values.length - ddof));
}

function allEqual(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

export function groupAdvantages(rewards: readonly (number | null)[], options: AdvantageOptions): (number | null)[] {
  const applied = rewards.filter((r): r is number => r !== null);
  if (applied.length === 0) return rewards.map(() => null);
  const m = mean(applied);
  const std = options.std === 'sample' ? sampleStd(applied) : populationStd(applied);
  const scale = options.scaleByStd ? std + (options.epsilon ?? 1e-6) : 1;
  // A reward at the mean has advantage 0 even when the scale is 0 (ε = 0 and identical rewards), never NaN.
  return rewards.map((r) => (r === null ? null : r === m ? 0 : (r - m) / scale));
}
