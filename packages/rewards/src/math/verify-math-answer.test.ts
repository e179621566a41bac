import { describe, expect, it } from 'vitest';
import { answersEqual } from './answers-equal';
import { Budget, isTimeoutError } from './budget';
import { parseLatexAnswer } from './parse-answer';
import { verifyMathAnswer, type VerificationStatus } from './verify-math-answer';

const status = (gold: string, prediction: string, extra: Record<string, unknown> = {}): VerificationStatus =>
  verifyMathAnswer({ gold, prediction, ...extra }).status;

describe('verifyMathAnswer: equivalence', () => {
  it.each([
    ['numbers within tolerance and decimals', '\\frac12', 'The answer is $0.5$.'],
    ['AMC float gold', '27.0', '\\boxed{27}'],
    ['leading zeros (AIME)', '025', '\\boxed{25}'],
    ['thousands separators', '7,425,000', 'The total is 7 425 000'],
    ['LaTeX thousands', '10,\\!080', '\\boxed{10080}'],
    ['GSM8K ####', '1000', 'She pays 500*2 = 1000 dollars.\n#### 1,000'],
    ['fractions', '\\frac{3}{4}', '$x = \\frac{6}{8}$'],
    ['dfrac', '\\frac{1}{2}', '\\boxed{\\dfrac{1}{2}}'],
    ['roots', '2\\sqrt{2}', '\\boxed{\\sqrt{8}}'],
    ['rationalised', '\\frac{\\sqrt{2}}{2}', '$\\boxed{\\frac{1}{\\sqrt2}}$'],
    ['powers, implicit multiplication', 'x^2+2x+1', '\\boxed{(x+1)^2}'],
    ['\\cdot', '6x', '\\boxed{2 \\cdot 3 \\cdot x}'],
    ['pi', '\\frac{9}{4}\\pi', '\\boxed{\\frac94\\pi}'],
    ['pi to 16 digits', '\\pi', '\\boxed{3.141592653589793}'],
    ['complex numbers', '6 - 5i', '\\boxed{-5i+6}'],
    ['exact big integers', '2^{100}', '\\boxed{1267650600228229401496703205376}'],
    ['currency and \\$', '\\$18.90', '\\boxed{18.9}'],
    ['percent as written', '10\\%', '\\boxed{10}'],
    ['percent as a fraction', '10\\%', '\\boxed{0.1}'],
    ['degrees', '30^\\circ', '\\boxed{30}'],
    ['units in \\text', '15\\mbox{ cm}^2', '\\boxed{15}'],
    ['unit words', '125', 'The distance is $\\boxed{125\\textnormal{ miles}}$.'],
    ['word answers', '\\text{(B)}', 'The answer is \\boxed{B}'],
    ['word answers, case', '\\text{even}', '\\boxed{\\text{Even}}'],
    ['mixed numbers', '1\\frac{4}{5}', '\\boxed{\\frac95}'],
    ['assignment gold', 'x = 5', '\\boxed{5}'],
    ['equation prediction', '5', '\\boxed{x=5}'],
    ['equations up to a factor', '5x - 7y + 11z + 4 = 0', '\\boxed{-5x+7y-11z-4=0}'],
    ['inequalities up to a positive factor', 'x < 1', '$-x > -1$'],
    ['sets ignore order', '\\{1,2,3\\}', '\\boxed{\\{3,2,1\\}}'],
    ['bare lists ignore order', '1,-2', '\\boxed{-2, 1}'],
    ['\\pm', '1 \\pm \\sqrt{19}', '\\boxed{1-\\sqrt{19}, 1+\\sqrt{19}}'],
    ['tuples', '\\left( 3, \\frac{\\pi}{2} \\right)', '\\boxed{(3, \\pi/2)}'],
    ['intervals', '(-\\infty, 0]', '\\boxed{(-\\infty,0]}'],
    ['unions', '(0,9) \\cup (9,36)', '\\boxed{(9,36)\\cup(0,9)}'],
    ['set-builder relation gold against an interval', '-2 \\le x \\le 7', '\\boxed{[-2,7]}'],
    ['x in S', 'x \\in [-2,7]', '\\boxed{[-2, 7]}'],
    ['matrices', '\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix}', '\\boxed{\\begin{pmatrix} 0.2 \\\\ -3.6 \\end{pmatrix}}'],
    ['trig identities', '\\tan^2(y)+1', '\\boxed{\\sec^2(y)}'],
    ['base-n numbers', '204_5', '\\boxed{204_{5}}'],
    ['reference is a full solution', 'Thus $x-p=\\boxed{2-2p}$.', 'the answer is $2-2p$'],
    ['"final answer" phrasing', '5', 'Final Answer: 5'],
    ['bare final expression', '\\frac{\\sqrt{3}}{2}', 'We simplify.\n\\frac{\\sqrt{3}}{2}'],
    ['\\fbox', '42', 'so \\fbox{42}.'],
  ])('%s: %s ≡ %s', (_, gold, prediction) => {
    expect(status(gold, prediction)).toBe('correct');
  });

  it.each([
    ['different numbers', '5', '\\boxed{6}'],
    ['big integers off by one', '2^{100}', '\\boxed{1267650600228229401496703205377}'],
    ['tiny decimals are not all 0', '1.39e-10', '\\boxed{2.55e-10}'],
    ['money to the cent', '16386.20', '\\boxed{16386.17}'],
    ['polynomials', 'x^2+2x+1', '\\boxed{(x+1)^2+1}'],
    ['conjugates', '6 - 5i', '\\boxed{6+5i}'],
    ['rounded π is not π', '\\pi', '\\boxed{3.14159}'],
    ['tuple order', '(1,2,3)', '\\boxed{(3,2,1)}'],
    ['interval brackets', '[2,5)', '\\boxed{[2,5]}'],
    ['a list is not one of its elements', '1,-2', '\\boxed{-2}'],
    ['radians are not degrees', '\\frac{\\pi}{3}', '\\boxed{60^\\circ}'],
    ['equations with another constant', '5x - 7y + 11z + 4 = 0', '\\boxed{5x - 7y + 11z - 4 = 0}'],
    ['inequality direction', 'x > 5', '$x < 5$'],
    ['a non-assignment equation gold keeps both sides', '7 = 11a+c', '$11a+c$'],
    ['variables matter (strict)', 'f(x)', '$f(y)$'],
    ['overflowing values are not equal', '2^{99999999}', '\\boxed{2^{99999998}}'],
    ['text is not a number', '\\text{13}', '$13$'],
  ])('%s: %s ≢ %s', (_, gold, prediction) => {
    expect(status(gold, prediction)).toBe('incorrect');
  });

  it('options: precision, strict, set-relation comparison', () => {
    expect(status('\\frac{1}{3}', '\\boxed{0.33}')).toBe('incorrect');
    expect(status('\\frac{1}{3}', '\\boxed{0.33}', { precision: 2 })).toBe('correct');
    expect(status('f(x)', '$f(y)$', { strict: false })).toBe('correct');
    expect(status('(2, \\infty)', '$x > 2$')).toBe('incorrect');
    expect(status('(2, \\infty)', '$x > 2$', { allowSetRelationComparison: true })).toBe('correct');
  });
});

describe('verifyMathAnswer: statuses', () => {
  it('an unparseable gold does not apply (null), it is not a 0', () => {
    const result = verifyMathAnswer({ gold: '\\unknowncommand{', prediction: '\\boxed{5}' });
    expect(result).toMatchObject({ status: 'gold-unparseable', reward: null, gold: null });
    expect(verifyMathAnswer({ gold: '', prediction: '5' }).reward).toBeNull();
  });

  it('a completion without an answer scores 0', () => {
    expect(verifyMathAnswer({ gold: '5', prediction: 'I do not know.' })).toMatchObject({ status: 'no-answer', reward: 0, prediction: null });
  });

  it('reports what was read', () => {
    const result = verifyMathAnswer({ gold: '\\frac{3}{56}', prediction: 'so $p(8) = \\boxed{\\frac{3}{56}}$.' });
    expect(result).toMatchObject({ status: 'correct', reward: 1, gold: { text: '\\frac{3}{56}' }, prediction: { text: '\\frac{3}{56}', source: 'boxed' } });
  });

  it('a check over its budget stops and reports timeout, scored 0', () => {
    // 24x24 matrix to the 64th power: far more work than a 1e-6 ms budget allows.
    const row = Array(24).fill('1').join('&');
    const matrix = `\\begin{pmatrix}${Array(24).fill(row).join('\\\\')}\\end{pmatrix}`;
    const gold = parseLatexAnswer(`${matrix}^{64}`)!;
    const pred = parseLatexAnswer(`${matrix}^{63}`)!;
    const budget = new Budget(1e-6);
    let error: unknown;
    try {
      answersEqual(gold, pred, { precision: 6, tolerance: 1e-9, strict: true, allowSetRelationComparison: false, points: 8, budget });
    } catch (e) {
      error = e;
    }
    expect(isTimeoutError(error)).toBe(true);
    expect(verifyMathAnswer({ gold: `${matrix}^{64}`, prediction: `\\boxed{${matrix}^{63}}`, timeoutMs: 1e-6 })).toMatchObject({
      status: 'timeout',
      reward: 0,
    });
    // With the default budget the same check completes (and the powers differ).
    expect(status(`${matrix}^{2}`, `\\boxed{${matrix}^{3}}`)).toBe('incorrect');
  });
});
