import { describe, expect, it } from 'vitest';
import { cleanAnswer } from './clean-answer';

describe('cleanAnswer', () => {
  it.each([
    [27.0, '27'],
    [-1, '-1'],
    [0.5, '0.5'],
    [-0, '0'],
    ['025', '25'],
    ['000', '0'],
    ['-007', '-7'],
    ['+5', '5'],
    ['1,080', '1080'],
    ['58,500', '58500'],
    ['1,450,000.5', '1450000.5'],
    ['  \\frac{1}{2} ', '\\frac{1}{2}'],
    ['1,2', '1,2'],
    ['2.50', '2.50'],
  ])('%j → %j', (input, expected) => {
    expect(cleanAnswer(input)).toBe(expected);
  });

  it('returns null for empty strings and non-finite numbers', () => {
    expect(cleanAnswer('  ')).toBeNull();
    expect(cleanAnswer(Number.NaN)).toBeNull();
    expect(cleanAnswer(Infinity)).toBeNull();
  });
});
