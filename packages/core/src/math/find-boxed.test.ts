import { describe, expect, it } from 'vitest';
import { findBoxed, lastBoxed } from './find-boxed';

describe('lastBoxed', () => {
  it('takes the last \\boxed{} with balanced braces, trimmed', () => {
    expect(lastBoxed('first $\\boxed{1}$ then $\\boxed{\\frac{2 \\pi c^{2}}{\\lambda^{5}}}$ done')).toBe('\\frac{2 \\pi c^{2}}{\\lambda^{5}}');
    expect(lastBoxed('$\\boxed{1.6} \\mathrm{~cm}$')).toBe('1.6');
    expect(lastBoxed('$\\boxed{ 42 }$')).toBe('42');
  });

  it('does not count escaped braces', () => {
    expect(lastBoxed('so $\\boxed{\\{1, 2\\}}$')).toBe('\\{1, 2\\}');
    expect(lastBoxed('so $\\boxed{x \\} }$')).toBe('x \\}');
    expect(lastBoxed('a $\\boxed{\\frac{1}{2}}$ then $\\boxed{\\{1, 2\\}}$.')).toBe('\\{1, 2\\}');
  });

  it('knows \\fbox, \\framebox (with its optional width) and the brace-less form', () => {
    expect(lastBoxed('\\fbox{7}')).toBe('7');
    expect(lastBoxed('or $\\framebox{204}$ minutes')).toBe('204');
    expect(lastBoxed('\\framebox[2cm]{8}')).toBe('8');
    expect(lastBoxed('answer $\\boxed 5$.')).toBe('5');
    expect(lastBoxed('answer $\\boxed5$.')).toBe('5');
    expect(lastBoxed('so \\boxed \\pi')).toBe('\\pi');
    expect(findBoxed('\\fbox{7} and \\framebox{8} and \\boxed 9').map((b) => b.content)).toEqual(['7', '8', '9']);
  });

  it('reads a nested box whole and refuses look-alike commands', () => {
    expect(lastBoxed('\\boxed{\\boxed{3}}')).toBe('\\boxed{3}');
    expect(lastBoxed('\\boxedx{3}')).toBeNull();
    expect(lastBoxed('\\fboxed{3}')).toBeNull();
    expect(lastBoxed('no box here')).toBeNull();
  });

  it('skips a box that never closes (a truncated completion) but keeps complete ones before and inside it', () => {
    expect(lastBoxed('$\\boxed{1 + {2}$')).toBeNull();
    expect(lastBoxed('first \\boxed{4}, then \\boxed{5 + {')).toBe('4');
    expect(findBoxed('\\boxed{1 + \\boxed{2} and').map((b) => b.content)).toEqual(['2']);
  });

  it('gives the span of each box in the text', () => {
    const text = 'x \\boxed{12} y';
    const [span] = findBoxed(text);
    expect(span).toEqual({ content: '12', start: 2, end: 12 });
    expect(text.slice(span.start, span.end)).toBe('\\boxed{12}');
  });
});
