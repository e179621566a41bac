import { describe, expect, it } from 'vitest';
import { ParagraphDecomposer } from './paragraph-decomposer';

describe('ParagraphDecomposer', () => {
  it('splits on blank lines (also whitespace-only ones) and finds the boxed answer', () => {
    const text = 'We have $r = 3$.\nAlso the angle is $\\pi/2$.\n\n  \nTherefore $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$.\n';
    expect(new ParagraphDecomposer().split(text)).toEqual({
      steps: ['We have $r = 3$.\nAlso the angle is $\\pi/2$.', 'Therefore $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$.'],
      answer: '\\left( 3, \\frac{\\pi}{2} \\right)',
    });
  });

  it('returns null for an empty solution and omits a missing answer', () => {
    expect(new ParagraphDecomposer().split(' \n\n ')).toBeNull();
    expect(new ParagraphDecomposer().split('one')).toEqual({ steps: ['one'] });
  });
});
