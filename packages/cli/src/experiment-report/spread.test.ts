import { describe, expect, it } from 'vitest';
import { spread } from './spread';

describe('spread', () => {
  it('gives the mean and the sample (n - 1) standard deviation', () => {
    const s = spread([0.1, 0.2, 0.6])!;
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.3, 12);
    // deviations -0.2, -0.1, 0.3: squares sum to 0.14, over n - 1 = 2 gives 0.07
    expect(s.std).toBeCloseTo(Math.sqrt(0.07), 12);
    expect([s.min, s.max]).toEqual([0.1, 0.6]);
  });

  it('leaves out missing values and has no std for one value', () => {
    expect(spread([null, 0.5, undefined, Number.NaN])).toEqual({ n: 1, mean: 0.5, std: null, min: 0.5, max: 0.5 });
    expect(spread([null, undefined])).toBeNull();
  });
});
