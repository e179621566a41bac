import { describe, expect, it } from 'vitest';
import { NumberedDecomposer, stepBody } from './numbered-decomposer';

const good = `SOLUTION:
1. **Isolate x** Subtract 3 from both sides: $2x = 8$.
2. **Divide by 2** $x = 4$.
3. **State the answer** The answer is $\\boxed{4}$.`;

describe('NumberedDecomposer', () => {
  const d = new NumberedDecomposer();

  it('parses the paper format: steps without numbers, titles, answer from the last \\boxed{}', () => {
    expect(d.split(good)).toEqual({
      steps: ['**Isolate x** Subtract 3 from both sides: $2x = 8$.', '**Divide by 2** $x = 4$.', '**State the answer** The answer is $\\boxed{4}$.'],
      titles: ['Isolate x', 'Divide by 2', 'State the answer'],
      answer: '4',
    });
  });

  it('accepts a missing SOLUTION: header unless requireHeader, and a bold header', () => {
    const noHeader = good.replace('SOLUTION:\n', '');
    expect(d.split(noHeader)?.steps).toHaveLength(3);
    expect(new NumberedDecomposer({ requireHeader: true, requireBody: true }).split(noHeader)).toBeNull();
    expect(d.split(good.replace('SOLUTION:', '**SOLUTION:**'))?.titles).toEqual(['Isolate x', 'Divide by 2', 'State the answer']);
    expect(d.split(good.replace('SOLUTION:\n', 'SOLUTION: '))?.steps).toHaveLength(3);
  });

  it('keeps multi-line actions (display math, indented lines) with their step', () => {
    const text =
      'SOLUTION:\n1. **Expand** We get\n\\[\n(x+1)^2 = x^2 + 2x + 1\n\\]\n   so the middle term is $2x$.\n\n2. **Conclude** 3.5 + 1 = 4.5, hence $\\boxed{2x}$.';
    const split = d.split(text);
    expect(split?.steps).toEqual([
      '**Expand** We get\n\\[\n(x+1)^2 = x^2 + 2x + 1\n\\]\n   so the middle term is $2x$.',
      '**Conclude** 3.5 + 1 = 4.5, hence $\\boxed{2x}$.',
    ]);
    expect(split?.answer).toBe('2x');
  });

  it('keeps indented sub-lists, "Step k" lines and other list styles inside the step', () => {
    const text = '1. **Cases** Two cases:\n   1. $x > 0$\n   2. $x < 0$\nStep 2: check both.\n**Step 3** done\n- note\n2. **Conclude** $\\boxed{0}$';
    expect(d.split(text)?.steps).toEqual([
      '**Cases** Two cases:\n   1. $x > 0$\n   2. $x < 0$\nStep 2: check both.\n**Step 3** done\n- note',
      '**Conclude** $\\boxed{0}$',
    ]);
  });

  it('has no answer when nothing is boxed', () => {
    expect(d.split('1. **Add** 2 + 2 = 4')).toEqual({ steps: ['**Add** 2 + 2 = 4'], titles: ['Add'] });
  });

  it.each([
    ['a missing number', 'SOLUTION:\n1. **A** a\n3. **C** c'],
    ['out-of-order numbers', 'SOLUTION:\n2. **B** b\n1. **A** a'],
    ['a repeated number', '1. **A** a\n1. **B** b'],
    ['numbering from 0', '0. **A** a\n1. **B** b'],
    ['a step without a bold title', 'SOLUTION:\n1. **A** a\n2. Divide by 2: x = 4'],
    ['an unclosed bold title', '1. **A** a\n2. **Divide by 2 x = 4'],
    ['an empty title', '1. **A** a\n2. **  ** b'],
    ['a title without an action', '1. **A** a\n2. **B**'],
    ['text before step 1', "Let's solve it.\n1. **A** a"],
    ['no steps at all', 'SOLUTION:\nThe answer is 4.'],
    ['an empty solution', ''],
    ['another list style', 'Step 1: **A** a\nStep 2: **B** b'],
  ])('drops a solution with %s (split returns null)', (_, text) => {
    expect(d.split(text)).toBeNull();
  });

  it('allows a title-only step when requireBody is false', () => {
    expect(new NumberedDecomposer({ requireHeader: false, requireBody: false }).split('1. **A** a\n2. **B**')?.steps).toEqual(['**A** a', '**B**']);
  });

  it('stepBody strips the bold title', () => {
    expect(stepBody('**Divide by 2** $x = 4$.', 'Divide by 2')).toBe('$x = 4$.');
    expect(stepBody('** Divide ** $x = 4$.', 'Divide')).toBe('$x = 4$.');
  });
});
