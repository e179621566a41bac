/**
 * Names in compute-engine's MathJSON and what they mean in an answer: constants, functions the
 * evaluator knows, relations, and the letters that read as a function before parentheses.
 */
import type { MathNode, RelationOp } from './math-answer';
import { num } from './math-answer';

/** Letters and names that mean a function when followed by a parenthesised argument: `f(x)`, `\delta(t)`. */
export const FUNCTION_NAMES = new Set(['f', 'g', 'h', 'F', 'G', 'H', 'p', 'q', 'P', 'Q', 'u', 'delta', 'phi', 'psi', 'theta', 'Phi', 'Psi', 'Theta']);

export const SYMBOLS: Record<string, MathNode> = {
  Pi: { t: 'const', name: 'pi' },
  ExponentialE: { t: 'const', name: 'e' },
  e: { t: 'const', name: 'e' },
  ImaginaryUnit: { t: 'const', name: 'i' },
  i: { t: 'const', name: 'i' },
  PositiveInfinity: { t: 'const', name: 'inf' },
  ComplexInfinity: { t: 'const', name: 'inf' },
  NegativeInfinity: { t: 'neg', arg: { t: 'const', name: 'inf' } },
  Half: { t: 'div', num: num('1'), den: num('2') },
};

export const FUNCTION_HEADS: Record<string, string> = {
  Sqrt: 'sqrt',
  Root: 'root',
  Exp: 'exp',
  Ln: 'ln',
  Log: 'log',
  Lb: 'lb',
  Lg: 'lg',
  Sin: 'sin',
  Cos: 'cos',
  Tan: 'tan',
  Sec: 'sec',
  Csc: 'csc',
  Cot: 'cot',
  Arcsin: 'arcsin',
  Arccos: 'arccos',
  Arctan: 'arctan',
  Arctan2: 'arctan',
  Arcsec: 'arcsec',
  Arccsc: 'arccsc',
  Arccot: 'arccot',
  Sinh: 'sinh',
  Cosh: 'cosh',
  Tanh: 'tanh',
  Abs: 'abs',
  Factorial: 'factorial',
  Binomial: 'binomial',
  Choose: 'binomial',
  Floor: 'floor',
  Ceil: 'ceil',
  Round: 'round',
  Max: 'max',
  Min: 'min',
  GCD: 'gcd',
  LCM: 'lcm',
  Mod: 'mod',
  Sign: 'sign',
  Real: 're',
  Imaginary: 'im',
  Conjugate: 'conjugate',
  Determinant: 'det',
  Transpose: 'transpose',
};

export const RELATIONS: Record<string, RelationOp> = {
  Equal: '=',
  Approx: '~',
  Approximate: '~',
  NotEqual: '!=',
  Less: '<',
  LessEqual: '<=',
  Greater: '>',
  GreaterEqual: '>=',
};
