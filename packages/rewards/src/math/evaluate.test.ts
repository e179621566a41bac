import { describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { cAsin, cPow, cRoot, cSqrt, complex } from './complex';
import { evaluateExact, evaluateNode, isMatrix } from './evaluate';
import { parseLatexAnswer } from './parse-answer';
import { parseDecimal, powInt, rational } from './rational';

const node = (latex: string) => {
  const a = parseLatexAnswer(latex);
  if (a?.kind !== 'expr') throw new Error(`not an expression: ${latex}`);
  return a.node;
};

describe('rationals', () => {
  it('parses decimals exactly and keeps lowest terms', () => {
    expect(parseDecimal('-0.375')).toEqual({ n: -3n, d: 8n });
    expect(parseDecimal('1.5e3')).toEqual({ n: 1500n, d: 1n });
    expect(parseDecimal('.5')).toEqual({ n: 1n, d: 2n });
    expect(parseDecimal('abc')).toBeNull();
    expect(rational(6n, -4n)).toEqual({ n: -3n, d: 2n });
  });

  it('refuses results beyond the size bound instead of computing them', () => {
    expect(powInt({ n: 2n, d: 1n }, 100n)).toEqual({ n: 2n ** 100n, d: 1n });
    expect(powInt({ n: 2n, d: 1n }, 99_999_999n)).toBeNull();
    expect(powInt({ n: -1n, d: 1n }, 99_999_999n)).toEqual({ n: -1n, d: 1n });
    expect(powInt({ n: 0n, d: 1n }, -1n)).toBeNull();
  });
});

describe('evaluation', () => {
  const budget = () => new Budget(1000);

  it('is exact for rational expressions', () => {
    expect(evaluateExact(node('\\frac{3}{4} + 2^{-2} \\cdot 5!'), budget())).toEqual({ n: 123n, d: 4n });
    expect(evaluateExact(node('\\binom{10}{3}'), budget())).toEqual({ n: 120n, d: 1n });
    expect(evaluateExact(node('\\sqrt{2}'), budget())).toBeNull();
  });

  it('evaluates in complex doubles, with real odd roots of negatives', () => {
    const v = evaluateNode(node('e^{i\\pi} + \\sqrt[3]{-8}'), new Map(), budget());
    expect(v && !isMatrix(v) && v.re).toBeCloseTo(-3, 12);
    expect(cRoot(complex(-8), complex(3)).re).toBeCloseTo(-2, 14);
    expect(cSqrt(complex(-4))).toEqual(complex(0, 2));
    expect(cPow(complex(0, 1), complex(2)).re).toBeCloseTo(-1, 14);
    expect(cAsin(complex(2)).re).toBeCloseTo(Math.PI / 2, 12);
  });

  it('multiplies matrices', () => {
    const v = evaluateNode(node('\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} \\begin{pmatrix}0 & 1 \\\\ 1 & 0\\end{pmatrix}'), new Map(), budget());
    expect(v && isMatrix(v) && v.rows.map((r) => r.map((z) => z.re))).toEqual([
      [2, 1],
      [4, 3],
    ]);
  });

  it('gives unknown functions a fixed value per argument', () => {
    const env = new Map([
      ['x', complex(0.7)],
      ['y', complex(1.3)],
    ]);
    const fx = evaluateNode(node('f(x)'), env, budget());
    expect(evaluateNode(node('f(x)'), env, budget())).toEqual(fx);
    expect(evaluateNode(node('f(y)'), env, budget())).not.toEqual(fx);
  });
});
