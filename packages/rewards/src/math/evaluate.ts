/**
 * Evaluation of answer expressions: exactly over BigInt rationals when the expression is built
 * from integers and fractions only, otherwise in complex doubles at a point (every free variable
 * bound to a sample value). Functions the evaluator does not know (`f(x)`, `\frac{dM}{dt}`) are
 * evaluated as a fixed pseudo-random function of their name and argument values, so the same
 * unknown term on both sides agrees and different ones do not.
 */
import { hashString } from '@srl/core';
import type { Budget } from './budget';
import * as C from './complex';
import type { Complex } from './complex';
import type { MathNode } from './math-answer';
import * as Q from './rational';
import type { Rational } from './rational';

export interface MatrixValue {
  rows: Complex[][];
}
export type Value = Complex | MatrixValue;

export const isMatrix = (v: Value): v is MatrixValue => 'rows' in v;

class NotEvaluable extends Error {}

/** FNV-1a over a string (core's `hashString`), mapped to [0, 1). */
export function hashUnit(text: string): number {
  return hashString(text) / 0x1_0000_0000;
}

const key = (z: Complex): string => `${z.re.toPrecision(10)},${z.im.toPrecision(10)}`;

function scalar(v: Value): Complex {
  if (isMatrix(v)) throw new NotEvaluable('matrix used where a number is needed');
  return v;
}

function mapMatrix(m: MatrixValue, f: (z: Complex) => Complex): MatrixValue {
  return { rows: m.rows.map((row) => row.map(f)) };
}

function addValues(a: Value, b: Value): Value {
  if (isMatrix(a) && isMatrix(b)) {
    if (a.rows.length !== b.rows.length || a.rows[0].length !== b.rows[0].length) throw new NotEvaluable('matrix shapes differ');
    return { rows: a.rows.map((row, i) => row.map((z, j) => C.cAdd(z, b.rows[i][j]))) };
  }
  if (isMatrix(a) || isMatrix(b)) throw new NotEvaluable('matrix plus scalar');
  return C.cAdd(a, b);
}

function mulValues(a: Value, b: Value): Value {
  if (isMatrix(a) && isMatrix(b)) {
    const n = a.rows[0].length;
    if (n !== b.rows.length) throw new NotEvaluable('matrix shapes do not multiply');
    return {
      rows: a.rows.map((row) => b.rows[0].map((_, j) => row.reduce((sum, z, k) => C.cAdd(sum, C.cMul(z, b.rows[k][j])), C.ZERO))),
    };
  }
  if (isMatrix(a)) return mapMatrix(a, (z) => C.cMul(z, b as Complex));
  if (isMatrix(b)) return mapMatrix(b, (z) => C.cMul(a, z));
  return C.cMul(a, b);
}

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) return NaN;
  if (n > 170) return Infinity;
  let r = 1;
  for (let k = 2; k <= n; k++) r *= k;
  return r;
}

function gcdNumber(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b > 0) [a, b] = [b, a % b];
  return a;
}

const REAL_FUNCTIONS: Record<string, (x: number[]) => number> = {
  factorial: ([x]) => factorial(x),
  binomial: ([n, k]) => factorial(n) / (factorial(k) * factorial(n - k)),
  floor: ([x]) => Math.floor(x),
  ceil: ([x]) => Math.ceil(x),
  round: ([x]) => Math.round(x),
  sign: ([x]) => Math.sign(x),
  max: (xs) => Math.max(...xs),
  min: (xs) => Math.min(...xs),
  gcd: (xs) => xs.reduce(gcdNumber),
  lcm: (xs) => xs.reduce((a, b) => Math.abs(a * b) / gcdNumber(a, b)),
  mod: ([a, b]) => ((a % b) + b) % b,
};

const COMPLEX_FUNCTIONS: Record<string, (x: Complex[]) => Complex> = {
  sqrt: ([x]) => C.cSqrt(x),
  root: ([x, n]) => C.cRoot(x, n),
  exp: ([x]) => C.cExp(x),
  ln: ([x]) => C.cLog(x),
  log: ([x, b]) => (b ? C.cDiv(C.cLog(x), C.cLog(b)) : C.cDiv(C.cLog(x), C.complex(Math.LN10))),
  lg: ([x]) => C.cDiv(C.cLog(x), C.complex(Math.LN10)),
  lb: ([x]) => C.cDiv(C.cLog(x), C.complex(Math.LN2)),
  sin: ([x]) => C.cSin(x),
  cos: ([x]) => C.cCos(x),
  tan: ([x]) => C.cTan(x),
  sec: ([x]) => C.cDiv(C.ONE, C.cCos(x)),
  csc: ([x]) => C.cDiv(C.ONE, C.cSin(x)),
  cot: ([x]) => C.cDiv(C.cCos(x), C.cSin(x)),
  arcsin: ([x]) => C.cAsin(x),
  arccos: ([x]) => C.cAcos(x),
  arctan: ([x, y]) => (y ? C.complex(Math.atan2(x.re, y.re)) : C.cAtan(x)),
  arccot: ([x]) => C.cAtan(C.cDiv(C.ONE, x)),
  arcsec: ([x]) => C.cAcos(C.cDiv(C.ONE, x)),
  arccsc: ([x]) => C.cAsin(C.cDiv(C.ONE, x)),
  sinh: ([x]) => C.cSinh(x),
  cosh: ([x]) => C.cCosh(x),
  tanh: ([x]) => C.cTanh(x),
  abs: ([x]) => C.complex(C.cAbs(x)),
  re: ([x]) => C.complex(x.re),
  im: ([x]) => C.complex(x.im),
  conjugate: ([x]) => C.complex(x.re, -x.im),
};

export const KNOWN_FUNCTIONS = new Set([...Object.keys(REAL_FUNCTIONS), ...Object.keys(COMPLEX_FUNCTIONS), 'det', 'transpose']);

function applyFunction(name: string, args: Value[]): Value {
  if (name === 'det' || name === 'transpose') {
    const m = args[0];
    if (!isMatrix(m)) throw new NotEvaluable(`${name} of a scalar`);
    if (name === 'transpose') return { rows: m.rows[0].map((_, j) => m.rows.map((row) => row[j])) };
    return determinant(m.rows);
  }
  const complexFn = COMPLEX_FUNCTIONS[name];
  if (complexFn) return complexFn(args.map(scalar));
  const realFn = REAL_FUNCTIONS[name];
  const scalars = args.map(scalar);
  if (realFn) return scalars.every(C.isReal) ? C.complex(realFn(scalars.map((z) => z.re))) : C.complex(NaN);
  // Opaque function: a deterministic pseudo-random value of its name and arguments.
  const u = hashUnit(`${name}(${scalars.map(key).join(';')})`);
  return C.complex(0.5 + u);
}

function determinant(rows: Complex[][]): Complex {
  const n = rows.length;
  if (n === 0 || rows.some((r) => r.length !== n)) throw new NotEvaluable('determinant of a non-square matrix');
  if (n === 1) return rows[0][0];
  let det = C.ZERO;
  for (let j = 0; j < n; j++) {
    const minor = rows.slice(1).map((r) => r.filter((_, k) => k !== j));
    const term = C.cMul(rows[0][j], determinant(minor));
    det = j % 2 === 0 ? C.cAdd(det, term) : C.cSub(det, term);
  }
  return det;
}

/**
 * Evaluates `node` in complex doubles with the free variables bound by `env`.
 * Returns null when the expression has no value (shape mismatch, an unbound variable).
 * Throws TimeoutError when `budget` runs out.
 */
export function evaluateNode(node: MathNode, env: ReadonlyMap<string, Complex>, budget: Budget): Value | null {
  try {
    return evaluate(node, env, budget);
  } catch (error) {
    if (error instanceof NotEvaluable) return null;
    throw error;
  }
}

function evaluate(node: MathNode, env: ReadonlyMap<string, Complex>, budget: Budget): Value {
  budget.tick();
  const ev = (n: MathNode): Value => evaluate(n, env, budget);
  switch (node.t) {
    case 'num':
      return C.complex(Number(node.text));
    case 'sym': {
      const value = env.get(node.name);
      if (!value) throw new NotEvaluable(`unbound variable ${node.name}`);
      return value;
    }
    case 'const':
      return node.name === 'pi' ? C.complex(Math.PI) : node.name === 'e' ? C.complex(Math.E) : node.name === 'i' ? C.I : C.complex(Infinity);
    case 'add':
      return node.args.map(ev).reduce(addValues);
    case 'mul':
      return node.args.map(ev).reduce(mulValues);
    case 'neg': {
      const v = ev(node.arg);
      return isMatrix(v) ? mapMatrix(v, C.cNeg) : C.cNeg(v);
    }
    case 'div': {
      const num = ev(node.num);
      const den = scalar(ev(node.den));
      return isMatrix(num) ? mapMatrix(num, (z) => C.cDiv(z, den)) : C.cDiv(num, den);
    }
    case 'pow': {
      const base = ev(node.base);
      const exp = scalar(ev(node.exp));
      if (!isMatrix(base)) return C.cPow(base, exp);
      if (exp.im !== 0 || !Number.isInteger(exp.re) || exp.re < 1 || exp.re > 64) throw new NotEvaluable('matrix power');
      let result: Value = base;
      for (let k = 1; k < exp.re; k++) result = mulValues(result, base);
      return result;
    }
    case 'fn':
      return applyFunction(node.name, node.args.map(ev));
    case 'matrix':
      return { rows: node.rows.map((row) => row.map((cell) => scalar(ev(cell)))) };
  }
}

/**
 * The exact value of an expression made of integers, decimals, + − × ÷, integer powers,
 * factorials and binomials; null for anything else (variables, π, roots, floats too large).
 */
export function evaluateExact(node: MathNode, budget: Budget): Rational | null {
  budget.tick();
  const ev = (n: MathNode): Rational | null => evaluateExact(n, budget);
  switch (node.t) {
    case 'num':
      return Q.parseDecimal(node.text);
    case 'add':
    case 'mul': {
      let acc: Rational | null = { n: node.t === 'add' ? 0n : 1n, d: 1n };
      for (const arg of node.args) {
        const v = ev(arg);
        if (!v || !acc) return null;
        acc = node.t === 'add' ? Q.add(acc, v) : Q.mul(acc, v);
      }
      return acc;
    }
    case 'neg': {
      const v = ev(node.arg);
      return v && { n: -v.n, d: v.d };
    }
    case 'div': {
      const a = ev(node.num);
      const b = ev(node.den);
      return a && b ? Q.div(a, b) : null;
    }
    case 'pow': {
      const base = ev(node.base);
      const exp = ev(node.exp);
      return base && exp && Q.isInteger(exp) ? Q.powInt(base, exp.n) : null;
    }
    case 'fn': {
      if (node.name === 'factorial' || node.name === 'binomial') {
        const args = node.args.map(ev);
        if (args.some((a) => !a || !Q.isInteger(a) || a.n < 0n || a.n > 400n)) return null;
        const fact = (k: bigint): bigint => (k <= 1n ? 1n : k * fact(k - 1n));
        if (node.name === 'factorial') return Q.rational(fact(args[0]!.n));
        const [n, k] = args.map((a) => a!.n);
        return k! > n! ? { n: 0n, d: 1n } : Q.rational(fact(n!), fact(k!) * fact(n! - k!));
      }
      if (node.name === 'abs') {
        const v = ev(node.args[0]);
        return v && { n: v.n < 0n ? -v.n : v.n, d: v.d };
      }
      return null;
    }
    default:
      return null;
  }
}
