/**
 * A relation against a set (Math-Verify's grader turns a gold relation into its solution set with
 * sympy's `as_set` when the prediction is a set): `2 < g(x) < 5` ≡ (2, 5), `2 \le |w| \le 3` ≡
 * [-3, -2] ∪ [2, 3], `x^2 < 4` ≡ (-2, 2), `x^2 = 4` ≡ {-2, 2}. A function call with no known
 * meaning (`g(x)`) is one variable, as Math-Verify's `unwrap_fcs` makes it.
 *
 * Decided numerically over the one variable: the relation's truth and the set's membership must
 * agree at the set's end points and just beside them, at the relation's own boundaries (sign
 * changes of each side's difference, and changes of its truth, located by bisection) and beside
 * them, and on a grid around all of these. Sides within a relative 1e-9 of each other are equal.
 */
import type { Budget } from './budget';
import { complex } from './complex';
import { evaluateNode, isMatrix, KNOWN_FUNCTIONS } from './evaluate';
import type { MathAnswer, MathNode, RelationOp } from './math-answer';
import { freeSymbols } from './math-answer';

type Relation = Extract<MathAnswer, { kind: 'relation' }>;

const GRID = 400;
const BISECTIONS = 60;
/** Boundaries located per check (an oscillating relation such as sin(1/x) > 0 has hundreds on the grid). */
const MAX_BOUNDARIES = 40;
const near =
  (tol: number) =>
  (a: number, b: number): boolean =>
    Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)) : a === b;
/** Two sides of a relation are equal (values carry rounding from evaluation). */
const close = near(1e-9);
/** A point is a set's end point (end points are evaluated exactly where they are rational). */
const atEnd = near(1e-12);

/** Unknown function calls become variables named after the call (`g(x)` → `g(x)`). */
function unwrapCalls(n: MathNode): MathNode {
  switch (n.t) {
    case 'fn':
      if (!KNOWN_FUNCTIONS.has(n.name) && !n.name.startsWith('opaque:'))
        return { t: 'sym', name: `${n.name}(${n.args.map((a) => JSON.stringify(a)).join(',')})` };
      return { t: 'fn', name: n.name, args: n.args.map(unwrapCalls) };
    case 'add':
    case 'mul':
      return { t: n.t, args: n.args.map(unwrapCalls) };
    case 'neg':
      return { t: 'neg', arg: unwrapCalls(n.arg) };
    case 'div':
      return { t: 'div', num: unwrapCalls(n.num), den: unwrapCalls(n.den) };
    case 'pow':
      return { t: 'pow', base: unwrapCalls(n.base), exp: unwrapCalls(n.exp) };
    default:
      return n;
  }
}

function realValue(node: MathNode, env: Map<string, ReturnType<typeof complex>>, budget: Budget): number | null {
  const v = evaluateNode(node, env, budget);
  if (!v || isMatrix(v) || Math.abs(v.im) > 1e-9 * Math.max(1, Math.abs(v.re)) || Number.isNaN(v.re)) return null;
  return v.re;
}

function holds(op: RelationOp, a: number, b: number): boolean {
  const eq = close(a, b);
  switch (op) {
    case '=':
    case '~':
      return eq;
    case '!=':
      return !eq;
    case '<':
      return !eq && a < b;
    case '<=':
      return eq || a < b;
    case '>':
      return !eq && a > b;
    case '>=':
      return eq || a > b;
  }
}

type Member = (t: number) => boolean;

/** Membership in a set-like answer; null when the answer is not a set of real numbers. */
function membership(set: MathAnswer, budget: Budget, ends: number[]): Member | null {
  const value = (n: MathNode): number | null => realValue(n, new Map(), budget);
  switch (set.kind) {
    case 'interval': {
      const lo = value(set.lo);
      const hi = value(set.hi);
      if (lo === null || hi === null) return null;
      ends.push(lo, hi);
      return (t) => (atEnd(t, lo) ? set.loClosed : atEnd(t, hi) ? set.hiClosed : t > lo && t < hi);
    }
    case 'union': {
      const parts = set.parts.map((p) => membership(p, budget, ends));
      return parts.every((p) => p !== null) ? (t) => parts.some((p) => p!(t)) : null;
    }
    case 'set':
    case 'list': {
      const values = set.items.map((item) => (item.kind === 'expr' && !item.percent ? value(item.node) : null));
      if (values.some((v) => v === null)) return null;
      ends.push(...(values as number[]));
      return (t) => values.some((v) => atEnd(t, v!));
    }
    case 'tuple': {
      // `(a, b)` as written is also the open interval.
      if (set.items.length !== 2 || set.items.some((x) => x.kind !== 'expr')) return null;
      const [lo, hi] = set.items.map((x) => (x as { node: MathNode }).node);
      return membership({ kind: 'interval', lo, hi, loClosed: false, hiClosed: false }, budget, ends);
    }
    case 'expr': {
      const v = value(set.node);
      if (v === null) return null;
      ends.push(v);
      return (t) => atEnd(t, v);
    }
    default:
      return null;
  }
}

/** Does the relation's solution set equal `set`? null when it cannot be decided this way. */
export function relationMatchesSet(relation: Relation, set: MathAnswer, budget: Budget): boolean | null {
  if (relation.parts.some((p) => p.kind !== 'expr')) return null;
  const nodes = relation.parts.map((p) => unwrapCalls((p as { node: MathNode }).node));
  const names = nodes.reduce<string[]>((acc, n) => freeSymbols(n, acc), []);
  if (names.length !== 1) return null;
  const ends: number[] = [];
  const member = membership(set, budget, ends);
  if (!member) return null;
  const at = (t: number): (number | null)[] => {
    const env = new Map([[names[0], complex(t)]]);
    return nodes.map((n) => realValue(n, env, budget));
  };
  // One evaluation gives the truth and, for finding boundaries, the sign of each link's difference.
  const probe = (t: number): { truth: boolean; signature: string } => {
    const v = at(t);
    const truth = relation.ops.every((op, k) => v[k] !== null && v[k + 1] !== null && holds(op, v[k]!, v[k + 1]!));
    const signs = relation.ops.map((_, k) => (v[k] === null || v[k + 1] === null ? 'n' : Math.sign(v[k]! - v[k + 1]!)));
    return { truth, signature: `${signs.join()}${truth}` };
  };
  const agrees = (t: number): boolean => probe(t).truth === member(t);
  const finite = ends.filter(Number.isFinite);
  const lo = Math.min(0, ...finite) - 10;
  const hi = Math.max(0, ...finite) + 10;
  const beside = (e: number): number[] => [
    e - 1e-7 * (1 + Math.abs(e)),
    e + 1e-7 * (1 + Math.abs(e)),
    e - 1e-3 * (1 + Math.abs(e)),
    e + 1e-3 * (1 + Math.abs(e)),
  ];
  // The set's end points and their neighbours first: most wrong answers differ there.
  if (![...finite, ...finite.flatMap(beside), -1e3, 1e3, -1e6, 1e6].every(agrees)) return false;
  const grid = Array.from({ length: GRID + 1 }, (_, k) => lo + ((hi - lo) * k) / GRID);
  const probes = grid.map(probe);
  if (!grid.every((t, k) => probes[k].truth === member(t))) return false;
  // The relation's own boundaries: where a link's difference changes sign or the truth flips.
  for (let k = 0, found = 0; k < grid.length - 1 && found < MAX_BOUNDARIES; k++) {
    const sa = probes[k].signature;
    if (sa === probes[k + 1].signature) continue;
    found++;
    let [a, b] = [grid[k], grid[k + 1]];
    for (let i = 0; i < BISECTIONS; i++) {
      const m = (a + b) / 2;
      if (probe(m).signature === sa) a = m;
      else b = m;
    }
    // Not the boundary itself: there the two sides agree only up to rounding.
    if (
      !beside((a + b) / 2)
        .slice(0, 2)
        .every(agrees)
    )
      return false;
  }
  return true;
}
