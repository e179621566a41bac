/**
 * Converts the MathJSON that @cortex-js/compute-engine's LaTeX parser produces (non-canonical
 * form, so nothing is simplified or type-inferred) into a {@link MathAnswer}. The parse tree keeps
 * the author's structure: `InvisibleOperator` for juxtaposition, `Delimiter` for brackets,
 * nested `Equal` for chains; this module decides what each means for an answer.
 */
import { KNOWN_FUNCTIONS } from './evaluate';
import type { MathAnswer, MathNode, RelationOp } from './math-answer';
import { expr, num } from './math-answer';
import { FUNCTION_HEADS, FUNCTION_NAMES, RELATIONS, SYMBOLS } from './math-json-names';

type Json = unknown;

class Unsupported extends Error {}

/** Most alternatives a `\pm` expression may expand to. */
const MAX_ALTERNATIVES = 8;

const isString = (j: Json): j is string => typeof j === 'string';
const isArray = (j: Json): j is Json[] => Array.isArray(j);
const head = (j: Json): string | undefined => (isArray(j) && isString(j[0]) ? j[0] : undefined);
const isQuoted = (j: Json): j is string => isString(j) && j.length >= 2 && j.startsWith("'") && j.endsWith("'");

/** Rewrites MathJSON's object forms ({fn}, {sym}, {str}) into arrays, symbols and quoted strings. */
function plain(json: Json): Json {
  if (isArray(json)) return json.map(plain);
  if (typeof json === 'object' && json !== null) {
    const o = json as Record<string, unknown>;
    if (isArray(o.fn)) return o.fn.map(plain);
    if (isString(o.sym)) return o.sym;
    if (isString(o.str)) return `'${o.str}'`;
    if (o.dict !== undefined) return "'dict'";
  }
  return json;
}

/** Converts a parse tree into an answer; null when it holds a parse error or an unsupported form. */
export function fromMathJson(json: Json): MathAnswer | null {
  try {
    return toAnswer(plain(json));
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

function items(json: Json): Json[] {
  // Sequence(a, b, c) and Delimiter(Sequence(...)) both list their elements.
  if (head(json) === 'Sequence') return (json as Json[]).slice(1).flatMap(items);
  return [json];
}

function listOf(kind: 'tuple' | 'list' | 'set', elements: Json[]): MathAnswer {
  // A `\pm` element inside a set or list contributes both of its values.
  const out = elements.flatMap((e) => {
    const a = toAnswer(e);
    return kind !== 'tuple' && a.kind === 'list' ? a.items : [a];
  });
  return { kind, items: out };
}

function toAnswer(json: Json): MathAnswer {
  if (isQuoted(json)) return { kind: 'text', text: json.slice(1, -1) };
  const h = head(json);
  const args = isArray(json) ? json.slice(1) : [];
  if (h === 'Error') throw new Unsupported('parse error');
  if (h && RELATIONS[h]) return relation(json as Json[]);
  switch (h) {
    case 'Delimiter': {
      const delim = isQuoted(args[1]) ? args[1] : "'(,)'";
      const elements = items(args[0]);
      if (elements.length === 0) throw new Unsupported('empty brackets');
      if (delim.startsWith("'|")) break;
      if (elements.length === 1) return toAnswer(elements[0]);
      if (delim === "','" || delim === "';'") return listOf('list', elements);
      if (delim.startsWith("'[")) return elements.length === 2 ? interval(elements[0], elements[1], true, delim.endsWith("]'")) : listOf('tuple', elements);
      if (delim.startsWith("'{")) return listOf('set', elements);
      return listOf('tuple', elements);
    }
    case 'Sequence': {
      const elements = items(json);
      if (elements.length === 0) throw new Unsupported('empty sequence');
      return elements.length === 1 ? toAnswer(elements[0]) : listOf('list', elements);
    }
    case 'Tuple':
    case 'Pair':
    case 'Triple':
      return args.length === 1 ? toAnswer(args[0]) : listOf('tuple', args);
    case 'List':
      if (args.length === 1) return toAnswer(args[0]);
      if (args.length === 2 && !args.some((a) => head(a) === 'List')) return interval(args[0], args[1], true, true);
      if (args.every((a) => head(a) === 'List')) break; // a matrix written as nested lists
      return listOf('tuple', args);
    case 'Set':
      return listOf('set', args);
    case 'Interval': {
      const open = (a: Json): boolean => head(a) === 'Open';
      const inner = (a: Json): Json => (open(a) || head(a) === 'Closed' ? (a as Json[])[1] : a);
      return interval(inner(args[0]), inner(args[1]), !open(args[0]), !open(args[1]));
    }
    case 'Union':
      return {
        kind: 'union',
        parts: args.flatMap((a) => {
          const part = toAnswer(a);
          return part.kind === 'union' ? part.parts : [part];
        }),
      };
    case 'Element':
      // x \in S: the answer is the set.
      return toAnswer(args[1]);
    case 'Hold':
    case 'Annotated':
      return toAnswer(args[0]);
    default:
      if (h === undefined && isString(json) && json === 'EmptySet') return { kind: 'set', items: [] };
  }
  const alternatives = toNodes(json);
  return alternatives.length === 1 ? expr(alternatives[0]) : { kind: 'list', items: alternatives.map((n) => expr(n)) };
}

function interval(lo: Json, hi: Json, loClosed: boolean, hiClosed: boolean): MathAnswer {
  return { kind: 'interval', lo: single(lo), hi: single(hi), loClosed, hiClosed };
}

function relation(json: Json[]): MathAnswer {
  const parts: MathAnswer[] = [];
  const ops: RelationOp[] = [];
  const visit = (j: Json): void => {
    const h = head(j);
    const op = h ? RELATIONS[h] : undefined;
    if (!op) {
      parts.push(toAnswer(j));
      return;
    }
    const args = (j as Json[]).slice(1);
    args.forEach((a, k) => {
      if (k > 0) ops.push(op);
      visit(a);
    });
  };
  visit(json);
  if (parts.length < 2) throw new Unsupported('relation with one side');
  return { kind: 'relation', ops, parts };
}

function single(json: Json): MathNode {
  const alternatives = toNodes(json);
  if (alternatives.length !== 1) throw new Unsupported('± inside an interval');
  return alternatives[0];
}

/** Cartesian product of the alternatives of each argument, combined by `make`. */
function combine(args: Json[], make: (nodes: MathNode[]) => MathNode): MathNode[] {
  let acc: MathNode[][] = [[]];
  for (const a of args) {
    const alts = toNodes(a);
    acc = acc.flatMap((prefix) => alts.map((n) => [...prefix, n]));
    if (acc.length > MAX_ALTERNATIVES) throw new Unsupported('too many ± alternatives');
  }
  return acc.map(make);
}

function symbolNode(name: string): MathNode {
  if (isQuoted(name)) return { t: 'sym', name: `text:${name.slice(1, -1).trim()}` };
  if (name === 'Nothing' || name === 'EmptySet' || name === 'Undefined' || name === 'NaN') throw new Unsupported(`symbol ${name}`);
  return SYMBOLS[name] ?? { t: 'sym', name };
}

function numberNode(json: Json): MathNode | null {
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) return json > 0 ? { t: 'const', name: 'inf' } : json < 0 ? { t: 'neg', arg: { t: 'const', name: 'inf' } } : null;
    return json < 0 ? { t: 'neg', arg: num(String(-json)) } : num(String(json));
  }
  if (typeof json === 'object' && json !== null && !isArray(json) && 'num' in json) {
    const text = String((json as { num: unknown }).num);
    const repeating = /^(\d*)\.(\d*)\((\d+)\)$/.exec(text);
    if (repeating) {
      // 0.1(6) = (16 - 1) / 90: the repeating block over 9s, shifted by the non-repeating digits.
      const [, int, fixed, rep] = repeating;
      const n = BigInt(int + fixed + rep) - BigInt(int + fixed || '0');
      const d = BigInt('9'.repeat(rep.length) + '0'.repeat(fixed.length));
      return { t: 'div', num: num(n.toString()), den: num(d.toString()) };
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Unsupported(`number ${text}`);
    return text.startsWith('-') ? { t: 'neg', arg: num(text.slice(1)) } : num(text.replace(/^\+/, ''));
  }
  return null;
}

/** Juxtaposed factors: `2x`, `\frac{1}{2a}(\ldots)`, and function calls `f(x)` among them. */
function juxtaposition(args: Json[]): MathNode[] {
  const factors: Json[] = [];
  const calls = new Map<number, { name: string; args: Json[] }>();
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (head(a) === 'HorizontalSpacing') continue;
    const next = args[k + 1];
    if (isString(a) && FUNCTION_NAMES.has(a) && head(next) === 'Delimiter') {
      calls.set(factors.length, { name: a, args: items((next as Json[])[1]) });
      factors.push(null);
      k++;
      continue;
    }
    factors.push(a);
  }
  const parts = factors.map((f, k) => {
    const call = calls.get(k);
    return call ? ['__call__', call.name, ...call.args] : f;
  });
  if (parts.length === 1) return toNodes(parts[0]);
  return combine(parts, (nodes) => ({ t: 'mul', args: nodes }));
}

function toNodes(json: Json): MathNode[] {
  const number = numberNode(json);
  if (number) return [number];
  if (isString(json)) return [symbolNode(json)];
  if (!isArray(json) || !isString(json[0])) throw new Unsupported(`unexpected ${JSON.stringify(json)}`);
  const h = json[0];
  const args = json.slice(1);
  const fn = (name: string): MathNode[] => combine(args, (nodes) => ({ t: 'fn', name, args: nodes }));
  switch (h) {
    case 'Error':
      throw new Unsupported('parse error');
    case '__call__':
      return combine(args.slice(1), (nodes) => ({ t: 'fn', name: String(args[0]), args: nodes }));
    case 'Add':
      return combine(args, (nodes) => ({ t: 'add', args: nodes }));
    case 'Subtract':
      return args.length === 1
        ? combine(args, ([a]) => ({ t: 'neg', arg: a }))
        : combine(args, ([a, ...rest]) => ({ t: 'add', args: [a, ...rest.map((r): MathNode => ({ t: 'neg', arg: r }))] }));
    case 'Negate':
      return combine(args, ([a]) => ({ t: 'neg', arg: a }));
    case 'Multiply':
      return combine(args, (nodes) => ({ t: 'mul', args: nodes }));
    case 'InvisibleOperator':
      return juxtaposition(args);
    case 'Divide':
    case 'Rational':
      return combine(args, ([a, b]) => ({ t: 'div', num: a, den: b }));
    case 'Power':
      return combine(args, ([a, b]) => ({ t: 'pow', base: a, exp: b }));
    case 'Square':
      return combine(args, ([a]) => ({ t: 'pow', base: a, exp: num('2') }));
    case 'Complex':
      return combine(args, ([re, im]) => ({ t: 'add', args: [re, { t: 'mul', args: [im, { t: 'const', name: 'i' }] }] }));
    case 'Percent':
      return combine(args, ([a]) => ({ t: 'div', num: a, den: num('100') }));
    case 'Measurement':
    case 'PlusMinus': {
      if (args.length === 1) return toNodes(args[0]).flatMap((a) => [a, { t: 'neg', arg: a } as MathNode]);
      return combine(args, ([a, b]) => ({ t: 'add', args: [a, b] })).concat(combine(args, ([a, b]) => ({ t: 'add', args: [a, { t: 'neg', arg: b }] })));
    }
    case 'MinusPlus':
      return combine(args, ([a, b]) => ({ t: 'add', args: [a, { t: 'neg', arg: b }] })).concat(combine(args, ([a, b]) => ({ t: 'add', args: [a, b] })));
    case 'Delimiter': {
      const delim = isQuoted(args[1]) ? args[1] : "'(,)'";
      const elements = items(args[0]);
      if (elements.length !== 1) throw new Unsupported('a list inside an expression');
      return delim.startsWith("'|") ? combine(elements, ([a]) => ({ t: 'fn', name: 'abs', args: [a] })) : toNodes(elements[0]);
    }
    case 'Sequence':
    case 'Hold':
    case 'Annotated':
    case 'Degrees':
      if (items(json).length !== 1 && h === 'Sequence') throw new Unsupported('a list inside an expression');
      return toNodes(h === 'Sequence' ? items(json)[0] : args[0]);
    case 'Matrix':
    case 'List': {
      const rowsJson = h === 'Matrix' ? args[0] : json;
      if (head(rowsJson) !== 'List') throw new Unsupported('matrix without rows');
      const rows = (rowsJson as Json[]).slice(1).map((row) => (head(row) === 'List' ? (row as Json[]).slice(1) : [row]));
      if (h === 'List' && rows.length === 1 && rows[0].length === 1) return toNodes(rows[0][0]);
      if (rows.some((r) => r.length !== rows[0].length)) throw new Unsupported('ragged matrix');
      return [{ t: 'matrix', rows: rows.map((r) => r.map(single)) }];
    }
    case 'Subscript': {
      const [base, sub] = args;
      if (isString(base) && (isString(sub) || typeof sub === 'number')) return [{ t: 'sym', name: `${base}_${String(sub)}` }];
      return fn('subscript');
    }
    case 'Apply': {
      const f = args[0];
      if (head(f) === 'InverseFunction' && isString((f as Json[])[1])) {
        const inner = FUNCTION_HEADS[(f as Json[])[1] as string];
        if (inner && ['sin', 'cos', 'tan', 'sec', 'csc', 'cot'].includes(inner)) {
          return combine(args.slice(1), (nodes) => ({ t: 'fn', name: `arc${inner}`, args: nodes }));
        }
      }
      return combine(args.slice(1), (nodes) => ({ t: 'fn', name: `apply:${JSON.stringify(f)}`, args: nodes }));
    }
    default:
      break;
  }
  if (RELATIONS[h]) throw new Unsupported('a relation inside an expression');
  if (['Tuple', 'Set', 'Interval', 'Union', 'Element', 'Pair', 'Triple'].includes(h)) throw new Unsupported(`${h} inside an expression`);
  const known = FUNCTION_HEADS[h];
  if (known) {
    if (known === 'log' && args.length === 2) return combine(args, ([x, b]) => ({ t: 'fn', name: 'log', args: [x, b] }));
    return fn(known);
  }
  // Any other head (f(x) as CE wrote it, D for derivatives, Sum, Integrate, Prime...) is an opaque function.
  return fn(KNOWN_FUNCTIONS.has(h) ? `opaque:${h}` : h);
}
