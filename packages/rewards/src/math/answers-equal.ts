/**
 * Equivalence of two parsed answers, gold first. The rules follow HuggingFace Math-Verify's
 * grader where it has one: numbers written with a decimal point are compared after rounding to
 * `precision` places (and, unlike Math-Verify, to `precision` significant digits); a gold assignment `k = 1` is compared by its right side, and so is any
 * prediction equation `x = 5 + 5 + 1 = 11` when the gold is not an equation ("respect the gold");
 * equations match when `lhs - rhs` agree up to a non-zero factor, inequalities up to a positive
 * one; bare lists and sets ignore order, tuples do not; interval brackets must agree.
 * Symbolic equality is decided numerically: exactly over rationals when both sides are rational,
 * otherwise by evaluating both sides at the same random points.
 */
import type { Budget } from './budget';
import type { Complex } from './complex';
import { complex } from './complex';
import { evaluateExact, evaluateNode, hashUnit, isMatrix, type Value } from './evaluate';
import type { MathAnswer, MathNode } from './math-answer';
import { freeSymbols, hasFloat, num, renameSymbols, walkNode } from './math-answer';
import { equals as rationalEquals } from './rational';
import { relationMatchesSet } from './relation-set';
import { relationsEqual, relationToSet, relationValue, isAssignment, isEquation } from './relations';

export interface CompareOptions {
  /** Decimal places compared when either side is written with a decimal point (Math-Verify's float_rounding). */
  precision: number;
  /** Relative tolerance for values that are not exact rationals (roots, π, evaluation at points). */
  tolerance: number;
  /** false: variable names are ignored (f(x) matches f(y)), as Math-Verify's strict=False. */
  strict: boolean;
  /** Also compare a relation in the prediction with a set in the gold (a set prediction always may). */
  allowSetRelationComparison: boolean;
  /** Sample points for expressions with free variables. */
  points: number;
  budget: Budget;
}

function unwrap(a: MathAnswer): MathAnswer {
  if ((a.kind === 'list' || a.kind === 'tuple') && a.items.length === 1) return unwrap(a.items[0]);
  if (a.kind === 'union' && a.parts.length === 1) return unwrap(a.parts[0]);
  return a;
}

/** A word answer's comparable form; for an expression, its letters when it is only a name (`E`, `Evelyn`). */
function textOf(a: MathAnswer): string | null {
  if (a.kind === 'text') return a.text;
  if (a.kind !== 'expr') return null;
  const word = (n: MathNode): string | null => {
    if (n.t === 'sym') return n.name.replace(/^text:/, '');
    if (n.t === 'const' && (n.name === 'e' || n.name === 'i')) return n.name;
    if (n.t === 'mul') {
      const parts = n.args.map(word);
      return parts.every((p) => p !== null) ? parts.join('') : null;
    }
    return null;
  };
  return word(a.node);
}

const normalizeText = (t: string): string =>
  t
    .replace(/\\text[a-z]*\s*\{([^{}]*)\}/g, '$1')
    .replace(/[\s.]/g, '')
    .replace(/^\((.*)\)$/, '$1')
    .toLowerCase();

/** Matches every item of `a` with a distinct equal item of `b` (bipartite matching). */
function multisetEqual(a: MathAnswer[], b: MathAnswer[], eq: (x: MathAnswer, y: MathAnswer) => boolean): boolean {
  if (a.length !== b.length) return false;
  const owner: number[] = new Array(b.length).fill(-1);
  const memo = new Map<string, boolean>();
  const equal = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (!memo.has(key)) memo.set(key, eq(a[i], b[j]));
    return memo.get(key)!;
  };
  const assign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < b.length; j++) {
      if (seen[j] || !equal(i, j)) continue;
      seen[j] = true;
      if (owner[j] < 0 || assign(owner[j], seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  return a.every((_, i) => assign(i, new Array(b.length).fill(false)));
}

const pairwise = (a: MathAnswer[], b: MathAnswer[], eq: (x: MathAnswer, y: MathAnswer) => boolean): boolean =>
  a.length === b.length && a.every((x, i) => eq(x, b[i]));

/** Is `gold` equivalent to `pred`? Throws TimeoutError when the budget runs out. */
export function answersEqual(gold: MathAnswer, pred: MathAnswer, options: CompareOptions): boolean {
  const eq = (g: MathAnswer, p: MathAnswer): boolean => answersEqual(g, p, options);
  let g = unwrap(gold);
  let p = unwrap(pred);
  if (g.kind === 'relation' && isAssignment(g) && !(p.kind === 'relation' && isEquation(p))) g = unwrap(relationValue(g));
  if (p.kind === 'relation' && isEquation(p) && !(g.kind === 'relation' && isEquation(g))) p = unwrap(relationValue(p));

  if (g.kind === 'relation' && p.kind === 'relation') return relationsEqual(g, p, options, eq);
  if (g.kind === 'relation' || p.kind === 'relation') {
    if (p.kind === 'relation' && !options.allowSetRelationComparison) return false;
    const [rel, set] = g.kind === 'relation' ? [g, p] : [p as Extract<MathAnswer, { kind: 'relation' }>, g];
    // Math-Verify turns the relation into a set only when the other side is one (an open pair is an interval).
    if (!['interval', 'union', 'set', 'list'].includes(set.kind) && !(set.kind === 'tuple' && set.items.length === 2)) return false;
    const asSet = relationToSet(rel);
    if (asSet && (g.kind === 'relation' ? eq(asSet, p) : eq(g, asSet))) return true;
    return relationMatchesSet(rel, set, options.budget) ?? false;
  }
  if (g.kind === 'text' || p.kind === 'text') {
    const a = textOf(g);
    const b = textOf(p);
    return a !== null && b !== null && normalizeText(a) === normalizeText(b) && normalizeText(a) !== '';
  }
  if (g.kind === 'expr' && p.kind === 'expr') return exprAnswersEqual(g, p, options);
  // The same value written twice ("\boxed{15\frac{39}{40}} or \boxed{\frac{639}{40}}") is one answer.
  if (p.kind === 'list' && g.kind !== 'list' && g.kind !== 'set' && p.items.length > 1 && p.items.every((item) => eq(g, item))) return true;

  if (g.kind === 'interval' || p.kind === 'interval') {
    const a = g.kind === 'interval' ? g : openPairOf(g);
    const b = p.kind === 'interval' ? p : openPairOf(p);
    if (!a || !b || a.kind !== 'interval' || b.kind !== 'interval') return false;
    return a.loClosed === b.loClosed && a.hiClosed === b.hiClosed && nodesEqual(a.lo, b.lo, false, options) && nodesEqual(a.hi, b.hi, false, options);
  }
  if (g.kind === 'union' || p.kind === 'union') return g.kind === 'union' && p.kind === 'union' && multisetEqual(g.parts, p.parts, eq);
  if (g.kind === 'tuple' && p.kind === 'tuple') return pairwise(g.items, p.items, eq);
  const unordered = (k: MathAnswer['kind']): boolean => k === 'list' || k === 'set';
  if (unordered(g.kind) && unordered(p.kind)) return multisetEqual((g as { items: MathAnswer[] }).items, (p as { items: MathAnswer[] }).items, eq);
  // Math-Verify sorts a gold set and whatever it is compared with, so a tuple prediction may be in
  // any order ("1, 3" ≡ (3, 1)); a gold tuple keeps the prediction's order as written ((1, 3) ≢ "3, 1", ≢ {3, 1}).
  if (unordered(g.kind) && p.kind === 'tuple') return multisetEqual((g as { items: MathAnswer[] }).items, p.items, eq);
  if (g.kind === 'tuple' && unordered(p.kind)) return pairwise(g.items, (p as { items: MathAnswer[] }).items, eq);
  return false;
}

/** `(2, 5)` as written is also the open interval (latex2sympy reads it so). */
function openPairOf(a: MathAnswer): MathAnswer | null {
  return a.kind === 'tuple' && a.items.length === 2 && a.items.every((x) => x.kind === 'expr')
    ? { kind: 'interval', lo: (a.items[0] as { node: MathNode }).node, hi: (a.items[1] as { node: MathNode }).node, loClosed: false, hiClosed: false }
    : null;
}

function exprAnswersEqual(g: Extract<MathAnswer, { kind: 'expr' }>, p: Extract<MathAnswer, { kind: 'expr' }>, options: CompareOptions): boolean {
  // 28% matches 28% and 28, and also 0.28.
  const forms = (a: typeof g): MathNode[] => (a.percent ? [a.node, { t: 'div', num: a.node, den: num('100') }] : [a.node]);
  return forms(g).some((a) => forms(p).some((b) => nodesEqual(a, b, false, options)));
}

function hasInfinity(node: MathNode): boolean {
  let found = false;
  walkNode(node, (n) => {
    if (n.t === 'const' && n.name === 'inf') found = true;
  });
  return found;
}

function samplePoint(names: string[], k: number): Map<string, Complex> {
  // Values in [0.3, 1.7], different for every variable and point, identical for both sides.
  return new Map(names.map((name) => [name, complex(0.3 + 1.4 * hashUnit(`${name}#${k}`))]));
}

function canonicalNames(node: MathNode): MathNode {
  const names = freeSymbols(node);
  return renameSymbols(node, (n) => `v${names.indexOf(n)}`);
}

/** Numeric equality of two scalar or matrix expressions. */
export function nodesEqual(a: MathNode, b: MathNode, float: boolean, options: CompareOptions): boolean {
  if (!options.strict) {
    a = canonicalNames(a);
    b = canonicalNames(b);
  }
  // Identical trees are equal even where evaluation overflows (2^{99999999}).
  if (JSON.stringify(a) === JSON.stringify(b)) return true;
  const useRounding = float || hasFloat(a) || hasFloat(b);
  const names = freeSymbols(b, freeSymbols(a));
  // A value that overflowed (not ∞ written as such) says nothing: 2^{99999998} ≠ 2^{99999999}.
  const infinite = hasInfinity(a) || hasInfinity(b);
  const overflowed = (v: Value): boolean => !infinite && !isMatrix(v) && (!Number.isFinite(v.re) || !Number.isFinite(v.im)) && !Number.isNaN(v.re);
  if (names.length === 0) {
    if (!useRounding) {
      const x = evaluateExact(a, options.budget);
      const y = evaluateExact(b, options.budget);
      if (x && y) return rationalEquals(x, y);
    }
    const x = evaluateNode(a, new Map(), options.budget);
    const y = evaluateNode(b, new Map(), options.budget);
    return x !== null && y !== null && !overflowed(x) && !overflowed(y) && valuesEqual(x, y, useRounding, options);
  }
  let valid = 0;
  for (let k = 0; k < options.points; k++) {
    const env = samplePoint(names, k);
    const x = evaluateNode(a, env, options.budget);
    const y = evaluateNode(b, env, options.budget);
    if (x === null || y === null || overflowed(x) || overflowed(y)) return false;
    if (!isMatrix(x) && !isMatrix(y) && Number.isNaN(x.re) && Number.isNaN(y.re)) continue;
    if (!valuesEqual(x, y, useRounding, options)) return false;
    valid++;
  }
  return valid >= Math.min(2, options.points);
}

function valuesEqual(x: Value, y: Value, rounding: boolean, options: CompareOptions): boolean {
  if (isMatrix(x) || isMatrix(y)) {
    if (!isMatrix(x) || !isMatrix(y) || x.rows.length !== y.rows.length) return false;
    return x.rows.every((row, i) => row.length === y.rows[i].length && row.every((z, j) => scalarsEqual(z, y.rows[i][j], rounding, options)));
  }
  return scalarsEqual(x, y, rounding, options);
}

function scalarsEqual(x: Complex, y: Complex, rounding: boolean, options: CompareOptions): boolean {
  const close = (u: number, v: number, scale: number): boolean => {
    if (!Number.isFinite(u) || !Number.isFinite(v)) return u === v;
    const diff = Math.abs(u - v);
    // The absolute floor is for a zero against rounding noise (sin π); tiny non-zero values compare relatively.
    if (diff <= options.tolerance * scale || ((u === 0 || v === 0) && diff <= 1e-12)) return true;
    if (!rounding) return false;
    // Math-Verify rounds to `precision` decimal places; we also require `precision` significant
    // digits, or every pair of small numbers (1.39e-10 and 2.55e-10) would round to 0 and agree.
    const factor = 10 ** options.precision;
    const digits = Math.min(Math.max(options.precision, 1), 100);
    return Math.round(u * factor) === Math.round(v * factor) && Number(u.toPrecision(digits)) === Number(v.toPrecision(digits));
  };
  const scale = Math.max(Math.hypot(x.re, x.im), Math.hypot(y.re, y.im));
  return close(x.re, y.re, scale) && close(x.im, y.im, scale);
}
