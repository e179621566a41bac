import { patternMasks } from './pattern-masks';
import { trimCommonEnds } from './trim-common-ends';

/**
 * Length of a longest common subsequence of two token sequences (tokens compared with `===`), the statistic of
 * ROUGE-L. The common prefix and suffix are stripped (both belong to some LCS); the rest is the bit-vector
 * algorithm of H. Hyyrö, "Bit-parallel LCS-length computation revisited" (AWOCA 2004): V' = (V + (V & M)) | (V & ~M),
 * LCS = the zero bits of V, with the addition carried across 32-bit words: O(⌈n/32⌉·m) for the shorter length n.
 * The test checks it against the full DP table.
 */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { short, long, start, n, m } = trimCommonEnds(a, b);
  const kept = short.length - n;
  if (n === 0 || m === 0) return kept;
  const words = (n + 31) >>> 5;
  const masks = patternMasks(short, start, n);
  // Bits at and above n in the last word start at 1 and stay 1 (their mask bits are 0), so they count no match.
  const v = new Int32Array(words).fill(-1);
  for (let j = 0; j < m; j++) {
    const mask = masks.get(long[start + j]);
    if (mask === undefined) continue; // M = 0 leaves V unchanged
    let carry = 0;
    for (let k = 0; k < words; k++) {
      const vk = v[k];
      const sum = (vk >>> 0) + ((vk & mask[k]) >>> 0) + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[k] = sum | (vk & ~mask[k]);
    }
  }
  let zeros = 0;
  for (let k = 0; k < words; k++) zeros += 32 - popcount(v[k]);
  return kept + zeros;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
