import { describe, expect, it } from 'vitest';
import { describeAnswer } from './math-answer';
import { extractAnswer, MAX_SEARCH_LENGTH } from './extract-answer';

const read = (text: string, options = {}): string | null => {
  const found = extractAnswer(text, options);
  return found && `${found.source}:${describeAnswer(found.answer)}`;
};

describe('extractAnswer', () => {
  it('takes the last box over earlier boxes and over plain numbers', () => {
    expect(read('First $\\boxed{3}$ was wrong. Then 17 apples. Final: $\\boxed{5}$ and 8 more words')).toBe('boxed:5');
  });

  it('reads boxes in one formula or joined by "and" as a list; a repeated box is one answer', () => {
    expect(read('The roots are \\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}. \\]')).toBe('boxed:list[-2, 1]');
    expect(read('$\\boxed{1}$ and $\\boxed{2}$')).toBe('boxed:list[1, 2]');
    expect(read('so \\boxed{5}.\n\n**Final Answer**\n\\boxed{5}')).toBe('boxed:5');
  });

  it('reads GSM8K, "final answer is", "answer:" and "the answer is"', () => {
    expect(read('16 - 3 - 4 = 9 eggs.\n9 * 2 = $18.\n#### 18')).toBe('number:18');
    expect(read('Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.')).toBe('latex:(3/4)');
    expect(read('Answer: 42 (I checked twice: 6*7)')).toBe('number:42');
    expect(read('Therefore the answer is 1,250 dollars.')).toBe('number:1250');
  });

  it('prefers an anchored answer to a later formula', () => {
    expect(read('The final answer is $7$. Check: $2+5=7$ and $x=3$.')).toBe('latex:7');
  });

  it('falls back to the last formula, then to a bare last line', () => {
    expect(read('We get $x = 3$ and then $y = 4$.')).toBe('latex:y = 4');
    expect(read('Simplifying gives\n\\frac{\\sqrt{3}}{2}')).toBe('bare:(sqrt(3)/2)');
    expect(read('Simplifying gives\n\\frac{\\sqrt{3}}{2}', { bareFallback: false })).toBe(null);
  });

  it('honours the modes: latex only ignores plain numbers; boxed only ignores the rest', () => {
    expect(read('Answer $ \n 9 \n $', { expr: false, bareFallback: false })).toBeNull();
    expect(read('Answer $ \n 9 \n $')).toBe('number:9');
    expect(read('The answer is $7$.', { boxedOnly: true })).toBeNull();
    expect(read('The answer is $\\boxed{7}$.', { boxedOnly: true })).toBe('boxed:7');
  });

  it('does not take a number out of a formula that failed to parse', () => {
    expect(read('$\\frac{1}{2} \\unknowncmd{3}$', { bareFallback: false })).toBeNull();
  });

  it('searches only the end of a very long completion', () => {
    const long = `\\boxed{1} ${'filler words '.repeat(Math.ceil(MAX_SEARCH_LENGTH / 13) + 10)} the answer is 2`;
    expect(read(long)).toBe('number:2');
    expect(read(`\\boxed{1} ${'x'.repeat(MAX_SEARCH_LENGTH)}`, { bareFallback: false })).toBeNull();
  });

  it('finds nothing in prose', () => {
    expect(extractAnswer('I am not sure how to solve this problem.')).toBeNull();
  });
});
