import { describe, expect, it } from 'vitest';
import { Budget } from './budget';
import type { MathAnswer } from './math-answer';
import { parseLatexAnswer } from './parse-answer';
import { relationMatchesSet } from './relation-set';

const matches = (relation: string, set: string): boolean | null => {
  const r = parseLatexAnswer(relation) as Extract<MathAnswer, { kind: 'relation' }>;
  const s = parseLatexAnswer(set)!;
  expect(r.kind).toBe('relation');
  return relationMatchesSet(r, s, new Budget(2000));
};

describe('relationMatchesSet', () => {
  it.each([
    ['x^2 < 4', '[-2, 2)', false],
    ['x^2 \\le 4', '[-2, 2]', true],
    ['2 \\le |w| \\le 3', '[-3,-2] \\cup [2,3]', true],
    ['2 \\le |w| \\le 3', '[-3,-2] \\cup [2,3.001]', false],
    ['\\sqrt{x} < 2', '[0, 4)', true],
    ['\\sqrt{x} < 2', '(-\\infty, 4)', false],
    ['x^2 = 4', '\\{-2, 2\\}', true],
    ['x^3 = 4x', '\\{-2, 2\\}', false],
    ['x \\ne 1', '(-\\infty, 1) \\cup (1, \\infty)', true],
    ['x^2 > 2', '(-\\infty, -\\sqrt{2}) \\cup (\\sqrt{2}, \\infty)', true],
    ['x^2 \\ge 2', '(-\\infty, -\\sqrt{2}) \\cup (\\sqrt{2}, \\infty)', false],
  ])('%s against %s: %s', (relation, set, expected) => {
    expect(matches(relation, set)).toBe(expected);
  });

  it('does not decide relations in several variables', () => {
    expect(matches('x < y', '(0, 1)')).toBeNull();
  });
});
