/**
 * Length of a longest common subsequence of two token sequences (tokens compared with `===`), the statistic of
 * ROUGE-L. O(n·m) time after stripping the common prefix and suffix (both belong to some LCS), O(min(n, m)) memory.
 */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let start = 0;
  let endShort = short.length;
  let endLong = long.length;
  while (start < endShort && short[start] === long[start]) start++;
  while (endShort > start && short[endShort - 1] === long[endLong - 1]) endShort--, endLong--;
  const kept = start + (short.length - endShort);
  const n = endShort - start;
  const m = endLong - start;
  if (n === 0 || m === 0) return kept;
  // row[i] = LCS of short[start, start+i) and the prefix of long read so far.
  const row = new Int32Array(n + 1);
  for (let j = 1; j <= m; j++) {
    const token = long[start + j - 1];
    let diagonal = 0; // L[i-1][j-1]
    for (let i = 1; i <= n; i++) {
      const above = row[i]; // L[i][j-1]
      row[i] = short[start + i - 1] === token ? diagonal + 1 : above > row[i - 1] ? above : row[i - 1];
      diagonal = above;
    }
  }
  return kept + row[n];
}
