import { Default, StringEnum, Type, type PluginOptions } from '@srl/core';
import type { Prng } from './prng';

export const ARITHMETIC_OPS = ['add', 'subtract', 'multiply', 'divide'] as const;
export type ArithmeticOp = (typeof ARITHMETIC_OPS)[number];

/** The knobs of a chain, declared once (the `math/synthetic-arithmetic` plugin's difficulty options). */
export const ARITHMETIC_CHAIN_PROPERTIES = {
  /** Operations applied to the start value. */
  steps: Default(Type.Integer({ minimum: 1, maximum: 64 }), 3),
  /** Digits of every operand, and of the start value unless `startDigits` is set. */
  digits: Default(Type.Integer({ minimum: 1, maximum: 12 }), 1),
  /** Digits of the start value (default: `digits`): a wide start range makes the answer hard to guess. */
  startDigits: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: 'digits of the start value (default: digits)' })),
  /** Operations to draw from. Division is only drawn when it is exact. */
  operations: Default(Type.Array(StringEnum(ARITHMETIC_OPS), { minItems: 1, uniqueItems: true }), [...ARITHMETIC_OPS]),
  /** Allow intermediate results below zero; when false, a subtraction that would go negative becomes an addition. */
  allowNegative: Default(Type.Boolean(), false),
  /** End with a step `**State the result** The result is \boxed{x}.` (so SRL learns to box the answer). */
  finalAnswerStep: Default(Type.Boolean(), true),
};
const arithmeticChainSchema = Type.Object(ARITHMETIC_CHAIN_PROPERTIES);
export type ArithmeticChainOptions = PluginOptions<typeof arithmeticChainSchema>;

export interface ArithmeticChain {
  problem: string;
  /** The expert solution in the SRL numbered format (`SOLUTION:` then `1. **Multiply by 3** 7 * 3 = 21`). */
  solution: string;
  answer: string;
}

const VERB: Record<ArithmeticOp, string> = { add: 'Add', subtract: 'Subtract', multiply: 'Multiply by', divide: 'Divide by' };
const SYMBOL: Record<ArithmeticOp, string> = { add: '+', subtract: '-', multiply: '*', divide: '/' };
const DIVISOR_TRIES = 16;

/**
 * One chain of integer operations, e.g. "Start with 7. Multiply by 3. Add 12. What is the result?"
 * Exact arithmetic with BigInt (long chains of multiplications exceed 2^53).
 */
export function generateArithmeticChain(rng: Prng, options: ArithmeticChainOptions): ArithmeticChain {
  const lo = options.digits === 1 ? 1 : 10 ** (options.digits - 1);
  const hi = 10 ** options.digits - 1;
  const operand = (min: number) => BigInt(rng.int(Math.max(lo, min), hi));
  const startDigits = options.startDigits ?? options.digits;
  let value = BigInt(rng.int(startDigits === 1 ? 1 : 10 ** (startDigits - 1), 10 ** startDigits - 1));
  const start = value;
  const instructions: string[] = [];
  const steps: string[] = [];
  for (let k = 0; k < options.steps; k++) {
    let op = rng.pick(options.operations);
    let x = op === 'multiply' || op === 'divide' ? operand(2) : operand(1);
    if (op === 'divide') {
      const divisor = findDivisor(rng, value, lo, hi);
      if (divisor === null) op = options.operations.includes('multiply') ? 'multiply' : 'add';
      else x = divisor;
    }
    if (op === 'subtract' && !options.allowNegative && value - x < 0n) op = 'add';
    const next = op === 'add' ? value + x : op === 'subtract' ? value - x : op === 'multiply' ? value * x : value / x;
    const title = `${VERB[op]} ${x}`;
    instructions.push(`${title}.`);
    steps.push(`${k + 1}. **${title}** ${value} ${SYMBOL[op]} ${x} = ${next}`);
    value = next;
  }
  if (options.finalAnswerStep) steps.push(`${options.steps + 1}. **State the result** The result is $\\boxed{${value}}$.`);
  return {
    problem: `Start with ${start}. ${instructions.join(' ')} What is the result?`,
    solution: `SOLUTION:\n${steps.join('\n')}`,
    answer: value.toString(),
  };
}

/** An exact divisor ≥ 2 with the operand's digit count, found by a few seeded tries; null if none. */
function findDivisor(rng: Prng, value: bigint, lo: number, hi: number): bigint | null {
  if (value === 0n) return null;
  const min = Math.max(lo, 2);
  if (min > hi) return null;
  for (let t = 0; t < DIVISOR_TRIES; t++) {
    const d = BigInt(rng.int(min, hi));
    if (value % d === 0n) return d;
  }
  return null;
}
