/**
 * Bit masks of a pattern for bit-parallel sequence comparison: for each distinct token, an Int32Array of
 * ⌈n/32⌉ words whose bit i is set where `tokens[start + i]` equals that token.
 */
export function patternMasks(tokens: ArrayLike<number>, start: number, n: number): Map<number, Int32Array> {
  const words = (n + 31) >>> 5;
  const masks = new Map<number, Int32Array>();
  for (let i = 0; i < n; i++) {
    const token = tokens[start + i];
    let mask = masks.get(token);
    if (!mask) masks.set(token, (mask = new Int32Array(words)));
    mask[i >>> 5] |= 1 << (i & 31);
  }
  return masks;
}
