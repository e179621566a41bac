/**
 * Parses one extracted answer (LaTeX or a plain expression such as `10/9`) into a
 * {@link MathAnswer}: normalise the string, parse it with compute-engine's standalone LaTeX
 * parser (`@cortex-js/compute-engine/latex-syntax`: stateless, no engine instance, ~0.1 ms a
 * parse), then interpret the parse tree.
 */
import { LatexSyntax } from '@cortex-js/compute-engine/latex-syntax';
import { fromMathJson } from './from-math-json';
import type { MathAnswer } from './math-answer';
import { normalizeLatex } from './normalize-latex';

/** Longest answer string that is parsed; longer ones count as unparseable (bounds the parse time). */
export const MAX_ANSWER_LENGTH = 2000;

const CACHE_SIZE = 2000;
const cache = new Map<string, MathAnswer | null>();
let syntax: LatexSyntax | undefined;

function parseTree(latex: string): MathAnswer | null {
  syntax ??= new LatexSyntax();
  let json: unknown;
  try {
    json = syntax.parse(latex);
  } catch {
    return null;
  }
  return json === null || json === undefined ? null : fromMathJson(json);
}

/** `a = b = c`: the part after the last `=` (Math-Verify retries with it when the whole fails). */
function lastEquationSide(latex: string): string {
  if (/[,;]/.test(latex)) return latex;
  const parts = latex.split(/(?<![\\<>!])=/);
  return parts.length > 2 ? parts[parts.length - 1] : latex;
}

function markPercent(answer: MathAnswer): MathAnswer {
  if (answer.kind === 'expr') return { ...answer, percent: true };
  if (answer.kind === 'list' || answer.kind === 'tuple' || answer.kind === 'set') return { ...answer, items: answer.items.map(markPercent) };
  return answer;
}

/** Splits at `;` outside brackets and braces. */
function semicolonGroups(latex: string): string[] {
  const groups: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < latex.length; i++) {
    const c = latex[i];
    if (c === '\\') i++;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ';' && depth === 0) {
      groups.push(latex.slice(start, i));
      start = i + 1;
    }
  }
  groups.push(latex.slice(start));
  return groups.filter((g) => g.trim());
}

/**
 * `a=1, b=3; a=4, b=3`: one solution per `;` group, as latex2sympy reads it — a set of tuples
 * when any group has several elements, else a set of the single elements.
 */
function parseGroups(groups: string[]): MathAnswer | null {
  const parsed = groups.map((g) => parseLatexAnswer(g));
  if (parsed.some((a) => a === null)) return null;
  const items = parsed.map((a) => a!);
  const several = items.some((a) => a.kind === 'list' && a.items.length > 1);
  return { kind: 'list', items: several ? items.map((a) => (a.kind === 'list' ? { kind: 'tuple', items: a.items } : a)) : items };
}

function parseUncached(raw: string): MathAnswer | null {
  const normalized = normalizeLatex(raw);
  if (!normalized) return null;
  if (normalized.kind === 'text') return normalized.text ? { kind: 'text', text: normalized.text } : null;
  const { latex, percent } = normalized;
  // A number in another base, 204_5 or 4210_{5}: compared by its digits and base.
  const based = /^(\d+)\s*_\s*\{?\s*(\d{1,2})\s*\}?$/.exec(latex);
  if (based) return { kind: 'text', text: `${based[1].replace(/^0+(?=\d)/, '')}_${Number(based[2])}` };
  const groups = semicolonGroups(latex);
  if (groups.length > 1) return parseGroups(groups);
  let answer = parseTree(latex);
  if (!answer) {
    const last = lastEquationSide(latex);
    if (last !== latex) answer = parseTree(last);
  }
  return answer && percent ? markPercent(answer) : answer;
}

/**
 * Parses a LaTeX answer (the inside of `\boxed{...}`, of `$...$`, or a bare reference answer).
 * Returns null when it cannot be parsed or is longer than {@link MAX_ANSWER_LENGTH}.
 */
export function parseLatexAnswer(raw: string): MathAnswer | null {
  if (raw.length > MAX_ANSWER_LENGTH) return null;
  const hit = cache.get(raw);
  if (hit !== undefined || cache.has(raw)) {
    // Refresh its position so the cache evicts the least recently used entry.
    cache.delete(raw);
    cache.set(raw, hit ?? null);
    return hit ?? null;
  }
  const answer = parseUncached(raw);
  cache.set(raw, answer);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return answer;
}

/** Parses a plain-text expression found in prose (`(9+1)`, `1/2`, `2*3`, `2×3`). */
export function parseExpressionAnswer(text: string): MathAnswer | null {
  return parseLatexAnswer(text.replace(/×/g, '\\times ').replace(/÷/g, '\\div ').replace(/\*\*/g, '^').replace(/\n/g, ' '));
}
