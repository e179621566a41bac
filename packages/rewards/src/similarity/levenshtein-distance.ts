import { patternMasks } from './pattern-masks';
import { trimCommonEnds } from './trim-common-ends';

/**
 * Levenshtein distance between two token sequences: the fewest single-token insertions, deletions and
 * substitutions (each costing 1) that turn `a` into `b`. Tokens are compared with `===`.
 * The common prefix and suffix are stripped (every optimal alignment can keep them); the rest is Myers' bit-vector
 * algorithm in its multi-block form (G. Myers, "A fast bit-vector algorithm for approximate string matching based
 * on dynamic programming", J. ACM 46(3), 1999, §4 and Fig. 8, with the global-distance boundary D[0][j] = j):
 * O(⌈n/32⌉·m) for the shorter length n. The test checks it against the full Wagner-Fischer table.
 */
export function levenshteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { short, long, start, n, m } = trimCommonEnds(a, b);
  if (n === 0) return m;
  const words = (n + 31) >>> 5;
  const masks = patternMasks(short, start, n);
  const none = new Int32Array(words);
  // Column deltas of the DP table, one bit per row: pv = +1, mv = -1 (D[i][j] - D[i-1][j]); column 0 is all +1.
  const pv = new Int32Array(words).fill(-1);
  const mv = new Int32Array(words);
  const lastBit = (n - 1) & 31;
  let score = n; // D[n][j]
  for (let j = 0; j < m; j++) {
    const eqs = masks.get(long[start + j]) ?? none;
    let hin = 1; // D[0][j] - D[0][j-1]
    for (let k = 0; k < words; k++) {
      let eq = eqs[k];
      const p = pv[k];
      const q = mv[k];
      const xv = eq | q;
      if (hin < 0) eq |= 1;
      const xh = (((eq & p) + p) ^ p) | eq;
      let ph = q | ~(xh | p);
      let mh = p & xh;
      const bit = k === words - 1 ? lastBit : 31;
      const hout = (ph >>> bit) & 1 ? 1 : (mh >>> bit) & 1 ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv[k] = mh | ~(xv | ph);
      mv[k] = ph & xv;
      hin = hout;
    }
    score += hin;
  }
  return score;
}
