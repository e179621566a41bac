import { describe, expect, it } from 'vitest';
import { hashString } from './hash-string';

describe('hashString (FNV-1a, 32 bits)', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-16 code units (astral characters as two)', () => {
    expect(hashString('😀')).toBe(hashString('\ud83d\ude00'));
    expect(hashString('😀')).not.toBe(hashString('\ud83d'));
  });
});
