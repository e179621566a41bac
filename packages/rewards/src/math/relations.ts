/**
 * Equations and inequalities as answers: `x = 3`, `y = 2x + 3`, `x \geq 5`, `-2 \le x \le 7`,
 * `x = 1/3 \approx 0.33`. Two equations agree when `lhs - rhs` of one is a non-zero constant
 * multiple of the other's (`2x + 4y - 3 = 0` ≡ `y = -x/2 + 3/4`); two inequalities when the
 * multiple is positive and the strictness agrees (`x < 1` ≡ `-x > -1`).
 */
import type { CompareOptions } from './answers-equal';
import { cAbs, cDiv, complex, type Complex } from './complex';
import { evaluateNode, hashUnit, isMatrix, KNOWN_FUNCTIONS } from './evaluate';
import type { MathAnswer, MathNode, RelationOp } from './math-answer';
import { freeSymbols } from './math-answer';

type Relation = Extract<MathAnswer, { kind: 'relation' }>;

/** Only `=` and `≈` links. */
export const isEquation = (r: Relation): boolean => r.ops.every((op) => op === '=' || op === '~');

function isVariableLike(a: MathAnswer): boolean {
  if (a.kind === 'tuple') return a.items.every(isVariableLike);
  if (a.kind !== 'expr') return false;
  const n = a.node;
  return n.t === 'sym' || (n.t === 'fn' && !KNOWN_FUNCTIONS.has(n.name));
}

/**
 * Math-Verify's `is_expr_of_only_symbols`: every leaf is a variable (`AB`, `\frac{PQ}{QR}`,
 * `|PQ|`, `x + y`, `f(x)`, `\sin x`); a number anywhere (`2x`, `x^2`, `\sqrt{x}`, `-x`) or a
 * constant (π, e) makes it an expression. `1/x` counts (sympy's Pow(x, -1)).
 */
export function isOnlySymbols(n: MathNode): boolean {
  switch (n.t) {
    case 'sym':
      return true;
    case 'add':
    case 'mul':
      return n.args.length > 0 && n.args.every(isOnlySymbols);
    case 'fn':
      return n.name !== 'sqrt' && n.name !== 'root' && n.args.length > 0 && n.args.every(isOnlySymbols);
    case 'div':
      return (isOnlySymbols(n.num) || (n.num.t === 'num' && n.num.text === '1')) && isOnlySymbols(n.den);
    case 'pow':
      return n.exp.t === 'neg' && n.exp.arg.t === 'num' && n.exp.arg.text === '1' && isOnlySymbols(n.base);
    default:
      return false;
  }
}

const isSymbolsOnly = (a: MathAnswer): boolean => (a.kind === 'tuple' ? a.items.every(isSymbolsOnly) : a.kind === 'expr' && isOnlySymbols(a.node));

/** `k = 1`, `f(x) = x^2`, `AB = 5`, `|PQ| = 7`, `(p, q) = (1, 2)`: only variables on the left of an equation. */
export const isAssignment = (r: Relation): boolean => isEquation(r) && isSymbolsOnly(r.parts[0]);

/**
 * The value an equation chain states: the side after the last `=` (`x = 5+5+1 = 11` → 11,
 * `x = 1/3 \approx 0.33` → 1/3); with only `≈`, the right side of `x \approx 11`.
 */
export function relationValue(r: Relation): MathAnswer {
  const lastEq = r.ops.lastIndexOf('=');
  if (lastEq >= 0) return r.parts[lastEq + 1];
  return isVariableLike(r.parts[0]) ? r.parts[r.parts.length - 1] : r.parts[0];
}

const FLIP: Partial<Record<RelationOp, RelationOp>> = { '>': '<', '>=': '<=' };

/** Rewrites `a > b > c` as `c < b < a`; chains that mix directions are left alone. */
function ascending(r: Relation): Relation {
  if (r.ops.length && r.ops.every((op) => op === '>' || op === '>=')) {
    return { kind: 'relation', ops: [...r.ops].reverse().map((op) => FLIP[op]!), parts: [...r.parts].reverse() };
  }
  return r;
}

const nodeOf = (a: MathAnswer): MathNode | null => (a.kind === 'expr' ? a.node : null);
const difference = (l: MathNode, r: MathNode): MathNode => ({ t: 'add', args: [l, { t: 'neg', arg: r }] });

/**
 * Is `g` a constant multiple of `p` (positive when `sign` says so)? Decided at sample points:
 * the ratio g/p must be the same finite, non-zero number at each of them.
 */
function proportional(g: MathNode, p: MathNode, sign: 'positive' | 'nonzero', options: CompareOptions): boolean {
  const names = freeSymbols(p, freeSymbols(g));
  if (names.length === 0) return false;
  let first: Complex | null = null;
  let valid = 0;
  for (let k = 0; k < Math.max(options.points, 4); k++) {
    const env = new Map(names.map((name) => [name, complex(0.3 + 1.4 * hashUnit(`${name}#rel${k}`))]));
    const x = evaluateNode(g, env, options.budget);
    const y = evaluateNode(p, env, options.budget);
    if (!x || !y || isMatrix(x) || isMatrix(y)) return false;
    if (cAbs(x) < 1e-12 && cAbs(y) < 1e-12) continue;
    const ratio = cDiv(x, y);
    if (!Number.isFinite(ratio.re) || !Number.isFinite(ratio.im) || cAbs(ratio) < 1e-12) return false;
    if (!first) first = ratio;
    else if (cAbs({ re: ratio.re - first.re, im: ratio.im - first.im }) > 1e-6 * cAbs(first)) return false;
    valid++;
  }
  if (!first || valid < 2) return false;
  return sign === 'nonzero' || (Math.abs(first.im) < 1e-9 * cAbs(first) && first.re > 0);
}

/** Relation against relation. `eq` compares two sides (answers). */
export function relationsEqual(g: Relation, p: Relation, options: CompareOptions, eq: (a: MathAnswer, b: MathAnswer) => boolean): boolean {
  if (isEquation(g) !== isEquation(p)) return false;
  if (isEquation(g)) {
    if (g.parts.length > 2 || p.parts.length > 2) return eq(relationValue(g), relationValue(p));
    if ((eq(g.parts[0], p.parts[0]) && eq(g.parts[1], p.parts[1])) || (eq(g.parts[0], p.parts[1]) && eq(g.parts[1], p.parts[0]))) return true;
    const [gl, gr, pl, pr] = [g.parts[0], g.parts[1], p.parts[0], p.parts[1]].map(nodeOf);
    return !!(gl && gr && pl && pr) && proportional(difference(gl, gr), difference(pl, pr), 'nonzero', options);
  }
  const a = ascending(g);
  const b = ascending(p);
  if (a.parts.length !== b.parts.length) return false;
  if (a.ops.every((op, k) => op === b.ops[k]) && a.parts.every((part, k) => eq(part, b.parts[k]))) return true;
  if (a.parts.length !== 2) return false;
  const [gl, gr, pl, pr] = [a.parts[0], a.parts[1], b.parts[0], b.parts[1]].map(nodeOf);
  if (!gl || !gr || !pl || !pr) return false;
  const [opG, opP] = [a.ops[0], b.ops[0]];
  if (opG === '!=' || opP === '!=') return opG === opP && proportional(difference(gl, gr), difference(pl, pr), 'nonzero', options);
  // Both read "left < right" now (mixed directions were not flipped: flip the one that reads ">").
  const lt = (op: RelationOp): boolean => op === '<' || op === '<=';
  const strict = (op: RelationOp): boolean => op === '<' || op === '>';
  if (strict(opG) !== strict(opP)) return false;
  const dG = lt(opG) ? difference(gl, gr) : difference(gr, gl);
  const dP = lt(opP) ? difference(pl, pr) : difference(pr, pl);
  return proportional(dG, dP, 'positive', options);
}

const INF: MathNode = { t: 'const', name: 'inf' };
const NEG_INF: MathNode = { t: 'neg', arg: INF };

/** `-2 \le x \le 7` → [-2, 7], `x > 5` → (5, ∞), `x \ne 3` → (-∞, 3) ∪ (3, ∞); null otherwise. */
export function relationToSet(r: Relation): MathAnswer | null {
  const a = ascending(r);
  const nodes = a.parts.map(nodeOf);
  if (nodes.some((n) => n === null)) return null;
  const [n0, n1, n2] = nodes as MathNode[];
  const isVar = (n: MathNode): boolean => n.t === 'sym';
  const closed = (op: RelationOp): boolean => op === '<=';
  if (a.ops.length === 2 && a.ops.every((op) => op === '<' || op === '<=') && isVar(n1)) {
    return { kind: 'interval', lo: n0, hi: n2, loClosed: closed(a.ops[0]), hiClosed: closed(a.ops[1]) };
  }
  if (a.ops.length !== 1) return null;
  const op = a.ops[0];
  if (op === '!=') {
    const value = isVar(n0) ? n1 : isVar(n1) ? n0 : null;
    if (!value) return null;
    return {
      kind: 'union',
      parts: [
        { kind: 'interval', lo: NEG_INF, hi: value, loClosed: false, hiClosed: false },
        { kind: 'interval', lo: value, hi: INF, loClosed: false, hiClosed: false },
      ],
    };
  }
  if (!['<', '<=', '>', '>='].includes(op)) return null;
  const below = op === '<' || op === '<=';
  if (isVar(n0))
    return below
      ? { kind: 'interval', lo: NEG_INF, hi: n1, loClosed: false, hiClosed: op === '<=' }
      : { kind: 'interval', lo: n1, hi: INF, loClosed: op === '>=', hiClosed: false };
  if (isVar(n1))
    return below
      ? { kind: 'interval', lo: n0, hi: INF, loClosed: op === '<=', hiClosed: false }
      : { kind: 'interval', lo: NEG_INF, hi: n0, loClosed: false, hiClosed: op === '>=' };
  return null;
}
