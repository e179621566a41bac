import { describe, expect, it } from 'vitest';
import { passAtK, reportedKs } from './pass-at-k';

describe('unbiased pass@k', () => {
  it('equals 1 - C(n-c, k) / C(n, k), hand-computed', () => {
    // n = 4, c = 1, k = 2: 1 - C(3,2)/C(4,2) = 1 - 3/6
    expect(passAtK(4, 1, 2)).toBeCloseTo(0.5, 15);
    // n = 5, c = 2, k = 3: 1 - C(3,3)/C(5,3) = 1 - 1/10
    expect(passAtK(5, 2, 3)).toBeCloseTo(0.9, 15);
    // pass@1 is the fraction correct
    expect(passAtK(32, 7, 1)).toBeCloseTo(7 / 32, 15);
    expect(passAtK(4, 0, 4)).toBe(0);
    expect(passAtK(4, 1, 4)).toBe(1);
  });
  it('refuses k > n and lists the k worth reporting', () => {
    expect(() => passAtK(2, 1, 3)).toThrow(
      expect.objectContaining({ kind: 'validation', message: expect.stringMatching(/1 <= k <= n samples; got k=3, n=2/) }),
    );
    expect(() => passAtK(2, 1, 0)).toThrow(/got k=0/);
    expect(reportedKs(32)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(reportedKs(1)).toEqual([1]);
  });
});
