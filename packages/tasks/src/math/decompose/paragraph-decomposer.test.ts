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

  it('starts a step at every unindented "k." line inside a paragraph (the step-header format), not at indented or other list lines', () => {
    const text =
      'There are two cases:\n1. If $x > 0$, then $y = 1$.\n2. If $x < 0$,\n   1. sub-case $y = 2$\n   Step 3: and so on\n- a dash item\n\n3.5 is not a header line.';
    expect(new ParagraphDecomposer().split(text)?.steps).toEqual([
      'There are two cases:',
      '1. If $x > 0$, then $y = 1$.',
      '2. If $x < 0$,\n   1. sub-case $y = 2$\n   Step 3: and so on\n- a dash item',
      '3.5 is not a header line.',
    ]);
    expect(new ParagraphDecomposer().split('  1. first\n2. second')?.steps).toEqual(['1. first', '2. second']);
  });

  it('returns null for an empty solution and omits a missing answer', () => {
    expect(new ParagraphDecomposer().split(' \n\n ')).toBeNull();
    expect(new ParagraphDecomposer().split('one')).toEqual({ steps: ['one'] });
  });
});
