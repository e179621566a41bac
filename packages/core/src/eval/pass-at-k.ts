import { SrlError } from '../errors';

/**
 * The unbiased pass@k estimator (Chen et al. 2021, Codex): with n samples of which c are correct,
 * pass@k = 1 − C(n−c, k) / C(n, k), computed as a stable product.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(k >= 1 && k <= n))
    throw new SrlError('validation', `pass@k needs 1 <= k <= n samples; got k=${k}, n=${n}: draw at least k samples per problem or lower k`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** The k values worth reporting for n samples: 1, powers of two below n, and n. */
export function reportedKs(n: number): number[] {
  const ks = new Set<number>([1]);
  for (let k = 2; k < n; k *= 2) ks.add(k);
  ks.add(n);
  return [...ks].filter((k) => k >= 1 && k <= n).sort((a, b) => a - b);
}
