/** Mean and spread of one number over seeds. */
export interface Spread {
  /** Values aggregated (seeds that have the number). */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); null for a single value. */
  std: number | null;
  min: number;
  max: number;
}

/** Mean, sample standard deviation, min and max of the finite values; null when there are none. */
export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!xs.length) return null;
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { n: xs.length, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}
