// CPython 3.11 difflib: the tail of get_matching_blocks (sort, merge adjacent blocks, sentinel) and _calculate_ratio.

/** A matching block: `a[a:a+size] == b[b:b+size]` (CPython's `Match(a, b, size)`). */
export interface Match {
  a: number;
  b: number;
  size: number;
}

/** CPython's `_calculate_ratio`: `2.0 * matches / length`, 1.0 for two empty sequences. */
export function ratioOf(matches: number, length: number): number {
  return length ? (2 * matches) / length : 1;
}

/**
 * Sorts the raw (i, j, k) triples found by the work queue (flat in `raw`), merges adjacent ones and appends
 * the sentinel `(len(a), len(b), 0)`, exactly as get_matching_blocks does.
 */
export function mergeBlocks(raw: readonly number[], la: number, lb: number): Match[] {
  const order: number[] = [];
  for (let t = 0; t < raw.length; t += 3) order.push(t);
  // Python sorts the tuples (i, j, k); real blocks never overlap in a, so i alone decides, but compare all three.
  order.sort((x, y) => raw[x] - raw[y] || raw[x + 1] - raw[y + 1] || raw[x + 2] - raw[y + 2]);
  const out: Match[] = [];
  let i1 = 0;
  let j1 = 0;
  let k1 = 0;
  for (const t of order) {
    const i2 = raw[t];
    const j2 = raw[t + 1];
    const k2 = raw[t + 2];
    if (i1 + k1 === i2 && j1 + k1 === j2) {
      k1 += k2;
    } else {
      if (k1) out.push({ a: i1, b: j1, size: k1 });
      i1 = i2;
      j1 = j2;
      k1 = k2;
    }
  }
  if (k1) out.push({ a: i1, b: j1, size: k1 });
  out.push({ a: la, b: lb, size: 0 });
  return out;
}
