import { describe, expect, it } from 'vitest';
import { Prng, hashString } from './prng';

describe('Prng (mulberry32) and hashString (FNV-1a)', () => {
  it('matches mulberry32 reference values (computed independently in Python)', () => {
    const rng = new Prng(42);
    expect([rng.next(), rng.next(), rng.next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('int() stays within its inclusive bounds and reaches both ends', () => {
    const rng = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});
