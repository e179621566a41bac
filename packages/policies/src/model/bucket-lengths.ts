import type { PrefixBatch } from './prefix-attention';
import { isPrefixBatch } from './prefix-attention';
import type { TokenBatch } from './transformer';

/**
 * `batch` with its row length (a PrefixBatch: its prefix length, and its continuations' to a multiple of
 * min(bucket, 4)) padded up to a multiple of `bucket` (at most `maxPositions`), and `outputRows` moved to the new row layout (all of the old rows when
 * undefined, so the logits keep the old rows' order). Padding follows every real token and is never seen by one,
 * so the logits are the same; a backend whose kernels are prepared per shape (TensorFlow's oneDNN primitives)
 * then meets far fewer shapes. Returns the inputs themselves when nothing changes.
 */
export function bucketLengths(
  batch: TokenBatch | PrefixBatch,
  outputRows: Int32Array | undefined,
  bucket: number,
  maxPositions: number,
): { batch: TokenBatch | PrefixBatch; outputRows: Int32Array | undefined } {
  const up = (n: number): number => Math.max(n, Math.min(maxPositions, Math.ceil(n / bucket) * bucket));
  const relay = (ids: Int32Array, rows: number, from: number, to: number): Int32Array => {
    const out = new Int32Array(rows * to);
    for (let r = 0; r < rows; r++) out.set(ids.subarray(r * from, (r + 1) * from), r * to);
    return out;
  };
  if (isPrefixBatch(batch)) {
    const { prefixes: P, prefixLength: Tp, batch: R, length: Tc } = batch;
    // Continuations are padded to a multiple of 4 only (short: a sampling budget, often reached, where padding
    // costs more), which keeps every attention width Tp + Tc a multiple of 4 for 4-lane SIMD rows.
    const [Tp2, Tc2] = [up(Tp), Math.ceil(Tc / Math.min(bucket, 4)) * Math.min(bucket, 4)];
    if (Tp2 === Tp && Tc2 === Tc) return { batch, outputRows };
    const move = (r: number): number =>
      r < P * Tp ? Math.floor(r / Tp) * Tp2 + (r % Tp) : P * Tp2 + Math.floor((r - P * Tp) / Tc) * Tc2 + ((r - P * Tp) % Tc);
    const rows = outputRows ?? Int32Array.from({ length: P * Tp + R * Tc }, (_, i) => i);
    const padded: PrefixBatch = { ...batch, prefixIds: relay(batch.prefixIds, P, Tp, Tp2), prefixLength: Tp2, ids: relay(batch.ids, R, Tc, Tc2), length: Tc2 };
    return { batch: padded, outputRows: rows.map(move) };
  }
  const { batch: B, length: T } = batch;
  const T2 = up(T);
  if (T2 === T) return { batch, outputRows };
  const rows = outputRows ?? Int32Array.from({ length: B * T }, (_, i) => i);
  return { batch: { ids: relay(batch.ids, B, T, T2), batch: B, length: T2 }, outputRows: rows.map((r) => Math.floor(r / T) * T2 + (r % T)) };
}
