import { describe, expect, it } from 'vitest';
import { NumberedDecomposer } from '../decompose/numbered-decomposer';
import { generateArithmeticChain, type ArithmeticChainOptions } from './arithmetic-chain';
import { Prng } from './prng';

const base: ArithmeticChainOptions = {
  steps: 4,
  digits: 2,
  operations: ['add', 'subtract', 'multiply', 'divide'],
  allowNegative: false,
  finalAnswerStep: true,
};

/** Re-evaluates a problem statement independently of the generator. */
function evaluate(problem: string): bigint {
  const start = /^Start with (-?\d+)\./.exec(problem)!;
  let value = BigInt(start[1]);
  for (const m of problem.matchAll(/(Add|Subtract|Multiply by|Divide by) (\d+)\./g)) {
    const x = BigInt(m[2]);
    if (m[1] === 'Add') value += x;
    else if (m[1] === 'Subtract') value -= x;
    else if (m[1] === 'Multiply by') value *= x;
    else {
      expect(value % x).toBe(0n);
      value /= x;
    }
  }
  return value;
}

describe('generateArithmeticChain', () => {
  it('writes problem, numbered solution and answer that agree', () => {
    const rng = new Prng(1);
    for (let i = 0; i < 300; i++) {
      const chain = generateArithmeticChain(rng, base);
      expect(chain.answer).toBe(evaluate(chain.problem).toString());
      const split = new NumberedDecomposer({ requireHeader: true, requireBody: true }).split(chain.solution);
      expect(split?.steps).toHaveLength(base.steps + 1);
      expect(split?.answer).toBe(chain.answer);
      expect(split?.titles.slice(0, -1)).toEqual([...chain.problem.matchAll(/(?:Add|Subtract|Multiply by|Divide by) \d+(?=\.)/g)].map((m) => m[0]));
      for (const step of split!.steps.slice(0, -1)) {
        const [, a, op, b, c] = /^\*\*[^*]+\*\* (-?\d+) ([-+*/]) (\d+) = (-?\d+)$/.exec(step)!;
        const [x, y] = [BigInt(a), BigInt(b)];
        expect(BigInt(c)).toBe(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y);
      }
      expect(BigInt(chain.answer) >= 0n).toBe(true); // allowNegative false
    }
  });

  it('has the documented shape', () => {
    const chain = generateArithmeticChain(new Prng(3), { ...base, steps: 2, digits: 1 });
    expect(chain.problem).toMatch(/^Start with [1-9]\. (?:(?:Add|Subtract|Multiply by|Divide by) [1-9]\. ){2}What is the result\?$/);
    expect(chain.solution).toMatch(/^SOLUTION:\n1\. \*\*.+\*\* .+\n2\. \*\*.+\*\* .+\n3\. \*\*State the result\*\* The result is \$\\boxed\{-?\d+\}\$\.$/);
  });

  it('uses operands with exactly `digits` digits and honours finalAnswerStep and allowNegative', () => {
    const rng = new Prng(5);
    for (let i = 0; i < 100; i++) {
      const chain = generateArithmeticChain(rng, { ...base, digits: 3, operations: ['subtract'], allowNegative: true, finalAnswerStep: false });
      for (const n of chain.problem.match(/\d+/g)!) expect(n).toHaveLength(3);
      expect(chain.solution).not.toContain('State the result');
      expect(chain.problem).not.toContain('Add');
    }
  });

  it('draws the start value with startDigits digits and the operands with digits', () => {
    const rng = new Prng(11);
    for (let i = 0; i < 100; i++) {
      const chain = generateArithmeticChain(rng, { ...base, steps: 3, digits: 1, startDigits: 2, operations: ['add'] });
      const [start, ...operands] = chain.problem.match(/\d+/g)!;
      expect(start).toHaveLength(2);
      for (const n of operands) expect(n).toHaveLength(1);
      expect(chain.answer).toBe(evaluate(chain.problem).toString());
    }
    // Without startDigits the draws are those of before the option existed (held-out sets unchanged).
    expect(generateArithmeticChain(new Prng(3), base)).toEqual(generateArithmeticChain(new Prng(3), { ...base, startDigits: base.digits }));
  });

  it('keeps exact arithmetic beyond 2^53', () => {
    const chain = generateArithmeticChain(new Prng(9), { ...base, steps: 12, digits: 4, operations: ['multiply'] });
    expect(BigInt(chain.answer) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(chain.answer).toBe(evaluate(chain.problem).toString());
  });
});
