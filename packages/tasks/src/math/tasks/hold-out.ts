import { hashString } from '@srl/core';

/**
 * Deterministic held-out split: the `size` rows with the smallest seeded hash of their problem text
 * go to validation, the rest to train; both keep the file's order. Independent of row order.
 */
export function holdOut<T extends { problem: string }>(rows: T[], options: { size: number; seed: number }): { train: T[]; validation: T[] } {
  const ranked = rows.map((row, i) => ({ i, h: hashString(`${options.seed}\u0000${row.problem}`) })).sort((a, b) => a.h - b.h || a.i - b.i);
  const held = new Set(ranked.slice(0, options.size).map((r) => r.i));
  return { train: rows.filter((_, i) => !held.has(i)), validation: rows.filter((_, i) => held.has(i)) };
}
