/** Two token sequences with their common prefix and suffix set aside, for the bit-parallel comparisons. */
export interface TrimmedPair {
  /** The shorter sequence (the first on a tie): the pattern of the bit vectors. */
  short: ArrayLike<number>;
  long: ArrayLike<number>;
  /** Length of the common prefix: the middles start here in both. */
  start: number;
  /** Lengths of the middles of `short` and `long` (between the common prefix and suffix). */
  n: number;
  m: number;
}

/**
 * Orders `a` and `b` by length and strips their common prefix and suffix (tokens compared with `===`): every
 * optimal LCS or edit alignment can keep them, so only the middles need the O(⌈n/32⌉·m) scan.
 */
export function trimCommonEnds(a: ArrayLike<number>, b: ArrayLike<number>): TrimmedPair {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let start = 0;
  let endShort = short.length;
  let endLong = long.length;
  while (start < endShort && short[start] === long[start]) start++;
  while (endShort > start && short[endShort - 1] === long[endLong - 1]) endShort--, endLong--;
  return { short, long, start, n: endShort - start, m: endLong - start };
}
