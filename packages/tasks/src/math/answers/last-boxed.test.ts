import { describe, expect, it } from 'vitest';
import { lastBoxed } from './last-boxed';

describe('lastBoxed', () => {
  it('takes the last \\boxed{} with balanced braces', () => {
    expect(lastBoxed('first $\\boxed{1}$ then $\\boxed{\\frac{2 \\pi c^{2}}{\\lambda^{5}}}$ done')).toBe('\\frac{2 \\pi c^{2}}{\\lambda^{5}}');
    expect(lastBoxed('$\\boxed{1.6} \\mathrm{~cm}$')).toBe('1.6');
  });

  it('does not count escaped braces', () => {
    expect(lastBoxed('so $\\boxed{\\{1, 2\\}}$')).toBe('\\{1, 2\\}');
    expect(lastBoxed('so $\\boxed{x \\} }$')).toBe('x \\}');
  });

  it('handles \\fbox, the brace-less form and absent or unbalanced boxes', () => {
    expect(lastBoxed('\\fbox{7}')).toBe('7');
    expect(lastBoxed('answer $\\boxed 5$.')).toBe('5');
    expect(lastBoxed('no box here')).toBeNull();
    expect(lastBoxed('$\\boxed{1 + {2}$')).toBeNull();
    expect(lastBoxed('\\boxedx{3}')).toBeNull();
  });
});
