import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

describe('Prng (mulberry32)', () => {
  it('matches mulberry32 reference values (computed independently in Python)', () => {
    const rng = new Prng(42);
    expect([rng.next(), rng.next(), rng.next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('int() stays within its inclusive bounds and reaches both ends', () => {
    const rng = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});
