/**
 * Levenshtein distance between two token sequences: the fewest single-token insertions, deletions and
 * substitutions (each costing 1) that turn `a` into `b`. Tokens are compared with `===`.
 * O(n·m) time after stripping the common prefix and suffix (which every optimal alignment keeps), O(min(n, m))
 * memory: one row of the Wagner-Fischer table.
 */
export function levenshteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let start = 0;
  let endShort = short.length;
  let endLong = long.length;
  while (start < endShort && short[start] === long[start]) start++;
  while (endShort > start && short[endShort - 1] === long[endLong - 1]) endShort--, endLong--;
  const n = endShort - start;
  const m = endLong - start;
  if (n === 0) return m;
  // row[i] = distance between short[start, start+i) and the prefix of long read so far.
  const row = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) row[i] = i;
  for (let j = 1; j <= m; j++) {
    const token = long[start + j - 1];
    let diagonal = row[0]; // D[i-1][j-1]
    row[0] = j;
    for (let i = 1; i <= n; i++) {
      const above = row[i]; // D[i][j-1]
      const substitute = diagonal + (short[start + i - 1] === token ? 0 : 1);
      const insert = row[i - 1] + 1;
      const remove = above + 1;
      row[i] = substitute < insert ? (substitute < remove ? substitute : remove) : insert < remove ? insert : remove;
      diagonal = above;
    }
  }
  return row[n];
}
