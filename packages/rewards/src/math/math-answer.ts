/**
 * The parsed form of a final answer. A scalar or matrix expression is a {@link MathNode} tree;
 * around it, the structures that math answers use: tuples `(3, \frac{\pi}{2})`, bare lists
 * `1, -2` (unordered, like the roots of a polynomial), sets `\{1, 2\}`, intervals `[0, 1)`,
 * unions, relations `x \geq 5` / `y = 2x + 3` and plain text (`\text{Evelyn}`, `\text{(C)}`).
 */
export type MathNode =
  /** A decimal literal exactly as written ("0.15", "1e-5", "27"). */
  | { t: 'num'; text: string }
  | { t: 'sym'; name: string }
  | { t: 'const'; name: 'pi' | 'e' | 'i' | 'inf' }
  | { t: 'add'; args: MathNode[] }
  | { t: 'mul'; args: MathNode[] }
  | { t: 'neg'; arg: MathNode }
  | { t: 'div'; num: MathNode; den: MathNode }
  | { t: 'pow'; base: MathNode; exp: MathNode }
  /** Known functions by lower-case name (sin, sqrt, root, ln, log, abs, factorial, ...); any other name is opaque. */
  | { t: 'fn'; name: string; args: MathNode[] }
  | { t: 'matrix'; rows: MathNode[][] };

export type RelationOp = '=' | '~' | '<' | '<=' | '>' | '>=' | '!=';

export type MathAnswer =
  /** `percent`: the answer carried a trailing `%` / "percent" (28% matches 28 and 0.28). */
  | { kind: 'expr'; node: MathNode; percent: boolean }
  | { kind: 'tuple'; items: MathAnswer[] }
  /** A bare comma list or the two branches of `\pm`: compared as a multiset. */
  | { kind: 'list'; items: MathAnswer[] }
  | { kind: 'set'; items: MathAnswer[] }
  | { kind: 'interval'; lo: MathNode; hi: MathNode; loClosed: boolean; hiClosed: boolean }
  | { kind: 'union'; parts: MathAnswer[] }
  /** A chain `parts[0] ops[0] parts[1] ops[1] parts[2] ...` (`x = 5 + 5 + 1 = 11`, `-2 \le x \le 7`). */
  | { kind: 'relation'; ops: RelationOp[]; parts: MathAnswer[] }
  | { kind: 'text'; text: string };

export const num = (text: string): MathNode => ({ t: 'num', text });
export const expr = (node: MathNode, percent = false): MathAnswer => ({ kind: 'expr', node, percent });

/** Calls `visit` on every node of the tree (pre-order). */
export function walkNode(node: MathNode, visit: (n: MathNode) => void): void {
  visit(node);
  switch (node.t) {
    case 'add':
    case 'mul':
    case 'fn':
      node.args.forEach((a) => walkNode(a, visit));
      break;
    case 'neg':
      walkNode(node.arg, visit);
      break;
    case 'div':
      walkNode(node.num, visit);
      walkNode(node.den, visit);
      break;
    case 'pow':
      walkNode(node.base, visit);
      walkNode(node.exp, visit);
      break;
    case 'matrix':
      node.rows.forEach((row) => row.forEach((a) => walkNode(a, visit)));
      break;
    default:
      break;
  }
}

/** True when a decimal literal with a fraction part or exponent appears ("0.15", "4.5e33"). */
export function hasFloat(node: MathNode): boolean {
  let found = false;
  walkNode(node, (n) => {
    if (n.t === 'num' && /[.eE]/.test(n.text)) found = true;
  });
  return found;
}

/** Free variables in order of first appearance. */
export function freeSymbols(node: MathNode, into: string[] = []): string[] {
  walkNode(node, (n) => {
    if (n.t === 'sym' && !into.includes(n.name)) into.push(n.name);
  });
  return into;
}

/** Number of nodes, used to bound the work of a check. */
export function nodeCount(node: MathNode): number {
  let count = 0;
  walkNode(node, () => count++);
  return count;
}

/** Renames variables through `rename` (non-strict comparison maps both sides to v0, v1, ...). */
export function renameSymbols(node: MathNode, rename: (name: string) => string): MathNode {
  const r = (n: MathNode): MathNode => renameSymbols(n, rename);
  switch (node.t) {
    case 'sym':
      return { t: 'sym', name: rename(node.name) };
    case 'add':
    case 'mul':
      return { t: node.t, args: node.args.map(r) };
    case 'fn':
      return { t: 'fn', name: node.name, args: node.args.map(r) };
    case 'neg':
      return { t: 'neg', arg: r(node.arg) };
    case 'div':
      return { t: 'div', num: r(node.num), den: r(node.den) };
    case 'pow':
      return { t: 'pow', base: r(node.base), exp: r(node.exp) };
    case 'matrix':
      return { t: 'matrix', rows: node.rows.map((row) => row.map(r)) };
    default:
      return node;
  }
}

/** A short readable form for logs and miss reports. */
export function describeAnswer(answer: MathAnswer): string {
  switch (answer.kind) {
    case 'expr':
      return describeNode(answer.node) + (answer.percent ? '%' : '');
    case 'tuple':
      return `(${answer.items.map(describeAnswer).join(', ')})`;
    case 'list':
      return `list[${answer.items.map(describeAnswer).join(', ')}]`;
    case 'set':
      return `{${answer.items.map(describeAnswer).join(', ')}}`;
    case 'interval':
      return `${answer.loClosed ? '[' : '('}${describeNode(answer.lo)}, ${describeNode(answer.hi)}${answer.hiClosed ? ']' : ')'}`;
    case 'union':
      return answer.parts.map(describeAnswer).join(' ∪ ');
    case 'relation':
      return answer.parts.map((p, i) => (i === 0 ? '' : ` ${answer.ops[i - 1]} `) + describeAnswer(p)).join('');
    case 'text':
      return `text(${JSON.stringify(answer.text)})`;
  }
}

export function describeNode(node: MathNode): string {
  switch (node.t) {
    case 'num':
      return node.text;
    case 'sym':
      return node.name;
    case 'const':
      return node.name;
    case 'add':
      return `(${node.args.map(describeNode).join(' + ')})`;
    case 'mul':
      return `(${node.args.map(describeNode).join('·')})`;
    case 'neg':
      return `-${describeNode(node.arg)}`;
    case 'div':
      return `(${describeNode(node.num)}/${describeNode(node.den)})`;
    case 'pow':
      return `${describeNode(node.base)}^${describeNode(node.exp)}`;
    case 'fn':
      return `${node.name}(${node.args.map(describeNode).join(', ')})`;
    case 'matrix':
      return `[${node.rows.map((row) => row.map(describeNode).join(' ')).join('; ')}]`;
  }
}
