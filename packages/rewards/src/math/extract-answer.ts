/**
 * Finds and parses the final answer of a completion or of a reference solution: the last
 * `\boxed{...}` (several boxes in one formula, or separated only by "and"/commas, form a list),
 * GSM8K's `#### x`, "the final answer is ...", "answer: ...", the last formula or number. The
 * candidates are tried by priority and, within one, from the right; the first that parses wins
 * (see answer-patterns.ts for the patterns and their origin).
 */
import { findBoxed, type BoxedSpan } from '@srl/core';
import { answerPatterns, SINGLE_ENV } from './answer-patterns';
import type { MathAnswer } from './math-answer';
import { expr, num } from './math-answer';
import { parseExpressionAnswer, parseLatexAnswer } from './parse-answer';

export interface ExtractOptions {
  /** Look for LaTeX (boxes, `$...$`, `\(...\)`, `\[...\]`). Default true. */
  latex?: boolean;
  /** Look for plain numbers and expressions (`1,000.5`, `10/9`, `#### 72`). Default true. */
  expr?: boolean;
  /** Also accept unanchored formulas/numbers (anywhere in the text), not only after "answer". Default true. */
  withoutAnchor?: boolean;
  /** Last resort: parse the last line as a bare answer when it looks like mathematics. Default true. */
  bareFallback?: boolean;
  /** Only `\boxed{...}` / `\fbox{...}` counts (a strict answer format). Default false. */
  boxedOnly?: boolean;
}

export type AnswerSource = 'boxed' | 'latex' | 'number' | 'expression' | 'bare';

export interface ExtractedAnswer {
  /** The answer text as found (for several boxes, joined with ", "). */
  text: string;
  answer: MathAnswer;
  source: AnswerSource;
  priority: number;
}

interface Candidate {
  priority: number;
  start: number;
  end: number;
  source: AnswerSource;
  /** LaTeX pieces (several for "$a$ and $b$"), or the number/expression text. */
  pieces: { text: string; percent: boolean }[];
  /** Where the value sits, for Math-Verify's rule that a failed formula does not give up a number inside it. */
  span: [number, number];
}

/** Only the end of a very long completion is searched (answers come last; bounds the regex work). */
export const MAX_SEARCH_LENGTH = 60_000;
/** Candidates tried per priority before giving up on it. */
const MAX_TRIES = 64;

/** What may join two formulas of one answer: `$1$, $2$ and $3$` (Math-Verify's chain separator). */
const ENV_SEPARATOR = /\s*(?:,?and|,?or|,)\s*$/;
/** Math-Verify's `extract_boxed_content` separators for boxes further apart. */
const BOX_SEPARATOR = /\b(?:and|or)\b|,|;/;
/** Most formulas Math-Verify chains into one answer. */
const MAX_CHAINED = 6;

/** Start of the formula (`$`, `$$`, `\[`, `\(`) around `pos`, or -1. */
function envStartAt(text: string, pos: number): number {
  return Math.max(enclosingDollar(text, pos), enclosing(text, pos, '$$', '$$'), enclosing(text, pos, '\\[', '\\]'), enclosing(text, pos, '\\(', '\\)'));
}

/**
 * The boxes that form the final answer, after Math-Verify: when the last box sits in a formula,
 * every box of that formula, and of the formulas before it that hold a box and are joined to it
 * only by "and", "or" or a comma (`$\boxed{3}$ and $\boxed{-1}$`, not `$\boxed{2}$ \quad $\boxed{3}$`).
 * A last box outside any formula takes the boxes before it that are under 10 characters away,
 * or under 70 with "and", "or", `,` or `;` between and a different content
 * (`\boxed{3} apples and \boxed{4} pears`).
 */
function answerBoxes(text: string, boxes: BoxedSpan[]): BoxedSpan[] {
  const last = boxes[boxes.length - 1];
  let k = boxes.length - 1;
  let envStart = envStartAt(text, last.start);
  if (envStart >= 0) {
    const group: BoxedSpan[] = [];
    for (let chained = 0; chained < MAX_CHAINED && envStart >= 0; chained++) {
      while (k >= 0 && boxes[k].start > envStart) group.unshift(boxes[k--]);
      const joint = ENV_SEPARATOR.exec(text.slice(Math.max(0, envStart - 20), envStart));
      const before = envStart - (joint ? joint[0].length : 0);
      if (!joint || k < 0 || !/(?:\$|\\\]|\\\))$/.test(text.slice(0, before))) break;
      const prevStart = envStartAt(text, boxes[k].start);
      if (prevStart < 0 || boxes[k].end > before) break;
      envStart = prevStart;
    }
    return group;
  }
  const group: BoxedSpan[] = [last];
  for (k--; k >= 0; k--) {
    const box = boxes[k];
    const between = text.slice(box.end, group[0].start);
    const differs = box.content.trim() !== group[0].content.trim();
    if (!(between.length < 10 || (differs && between.length < 70 && BOX_SEPARATOR.test(between)))) break;
    if (differs) group.unshift(box);
    else group[0] = box;
  }
  return group;
}

/** The final answer's boxes as one candidate. */
function boxedCandidate(text: string): Candidate | null {
  const boxes = findBoxed(text);
  if (!boxes.length) return null;
  const group = answerBoxes(text, boxes);
  const last = group[group.length - 1];
  return {
    priority: 0,
    start: group[0].start,
    end: last.end,
    source: 'boxed',
    // The same box repeated ("\boxed{5} ... \boxed{5}") is one answer.
    pieces: group
      .filter((b, k) => k === 0 || group[k - 1].content.trim() !== b.content.trim())
      .map((b) => ({ text: b.content, percent: /^\s*\\?%/.test(text.slice(b.end, b.end + 3)) })),
    span: [group[0].start, last.end],
  };
}

/** Start of the `open ... close` pair around `pos` on the same formula, or -1. */
function enclosing(text: string, pos: number, open: string, close: string): number {
  const start = text.lastIndexOf(open, pos);
  if (start < 0) return -1;
  const closed = text.indexOf(close, start + open.length);
  return closed >= 0 && closed < pos ? -1 : start;
}

/** Start of the `$...$` formula around `pos`: an odd number of unescaped `$` before it on its line. */
function enclosingDollar(text: string, pos: number): number {
  const lineStart = text.lastIndexOf('\n', pos) + 1;
  const dollars = [...text.slice(lineStart, pos).matchAll(/(?<!\\)\$/g)];
  return dollars.length % 2 === 1 ? lineStart + dollars[dollars.length - 1].index! : -1;
}

function latexCandidate(match: RegExpExecArray, priority: number): Candidate {
  const chain = match[1];
  const [chainStart] = match.indices![1];
  const pieces: Candidate['pieces'] = [];
  let firstSpan: [number, number] = [chainStart, chainStart + chain.length];
  SINGLE_ENV.lastIndex = 0;
  for (let m = SINGLE_ENV.exec(chain); m; m = SINGLE_ENV.exec(chain)) {
    const content = m.slice(1, 7).find((g) => g !== undefined) ?? '';
    if (!pieces.length) firstSpan = [chainStart + m.index, chainStart + m.index + m[0].length];
    pieces.push({ text: content, percent: m[7] !== undefined });
  }
  return { priority, start: match.index, end: match.index + match[0].length, source: 'latex', pieces, span: firstSpan };
}

function exprCandidate(match: RegExpExecArray, priority: number): Candidate {
  const g = match.groups ?? {};
  const named = Object.entries(match.indices?.groups ?? {}).filter(([name, v]) => v && name !== 'pct');
  const span = (named[0]?.[1] ?? [match.index, match.index + match[0].length]) as [number, number];
  const base = { priority, start: match.index, end: match.index + match[0].length, span };
  if (g.expr !== undefined) return { ...base, source: 'expression', pieces: [{ text: g.expr, percent: false }] };
  const integer = (g.int1 ?? g.int2 ?? g.int3 ?? '').replace(/[ ,]/g, '');
  const decimal = (g.dec1 ?? g.dec2 ?? g.dec3 ?? '').replace(',', '.');
  const negative = integer.startsWith('-');
  const digits = integer.replace('-', '').replace(/^0+(?=\d)/, '') || '0';
  return { ...base, source: 'number', pieces: [{ text: `${negative ? '-' : ''}${digits}${decimal}`, percent: g.pct !== undefined }] };
}

function parseCandidate(c: Candidate): MathAnswer | null {
  if (c.source === 'number') {
    const t = c.pieces[0].text;
    const node = t.startsWith('-') ? { t: 'neg' as const, arg: num(t.slice(1)) } : num(t);
    return expr(node, c.pieces[0].percent);
  }
  if (c.source === 'expression') return parseExpressionAnswer(c.pieces[0].text);
  const answers: MathAnswer[] = [];
  for (const piece of c.pieces) {
    let answer = parseLatexAnswer(piece.text);
    if (!answer) return null;
    if (piece.percent && answer.kind === 'expr') answer = { ...answer, percent: true };
    answers.push(answer);
  }
  if (answers.length === 1) return answers[0];
  // "$1$ and $2$", \boxed{1}\boxed{2}: one list; lists and sets inside are flattened.
  return { kind: 'list', items: answers.flatMap((a) => (a.kind === 'list' || a.kind === 'set' ? a.items : [a])) };
}

function collect(text: string, options: Required<ExtractOptions>): Candidate[] {
  const candidates: Candidate[] = [];
  if (options.latex) {
    const boxed = boxedCandidate(text);
    if (boxed) candidates.push(boxed);
  }
  for (const spec of options.boxedOnly ? [] : answerPatterns(options)) {
    spec.regex.lastIndex = 0;
    for (let m = spec.regex.exec(text); m; m = spec.regex.exec(text)) {
      candidates.push(spec.kind === 'latex' ? latexCandidate(m, spec.priority) : exprCandidate(m, spec.priority));
      if (m[0].length === 0) spec.regex.lastIndex++;
    }
  }
  return candidates;
}

/** Does a line look like a formula rather than prose (no runs of three letters outside commands)? */
const looksMathematical = (line: string): boolean => line.length > 0 && line.length <= 200 && !/[a-zA-Z]{3,}/.test(line.replace(/\\[a-zA-Z]+/g, ''));

/**
 * The final answer of `text`, parsed; null when nothing parseable is found.
 * Only the last {@link MAX_SEARCH_LENGTH} characters are searched.
 */
export function extractAnswer(text: string, options: ExtractOptions = {}): ExtractedAnswer | null {
  const opts: Required<ExtractOptions> = { latex: true, expr: true, withoutAnchor: true, bareFallback: true, boxedOnly: false, ...options };
  if (opts.boxedOnly) Object.assign(opts, { latex: true, expr: false, withoutAnchor: false, bareFallback: false });
  if (text.length > MAX_SEARCH_LENGTH) text = text.slice(-MAX_SEARCH_LENGTH);
  const byPriority = new Map<number, Candidate[]>();
  for (const c of collect(text, opts)) {
    const group = byPriority.get(c.priority);
    if (group) group.push(c);
    else byPriority.set(c.priority, [c]);
  }
  const failedLatex: [number, number][] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const group = byPriority.get(priority)!.sort((a, b) => b.end - a.end || a.start - b.start);
    for (const c of group.slice(0, MAX_TRIES)) {
      const inFailed = failedLatex.some(([lo, hi]) => c.span[0] < hi && c.span[1] > lo);
      if ((c.source === 'number' || c.source === 'expression') && inFailed) continue;
      const answer = parseCandidate(c);
      if (answer) return { text: c.pieces.map((p) => p.text).join(', '), answer, source: c.source, priority };
      if (c.source === 'latex' || c.source === 'boxed') failedLatex.push(c.span);
    }
  }
  if (opts.bareFallback) {
    const lastLine = text.trim().split('\n').pop()?.trim() ?? '';
    if (looksMathematical(lastLine)) {
      const answer = parseLatexAnswer(lastLine);
      if (answer) return { text: lastLine, answer, source: 'bare', priority: 400 };
    }
  }
  return null;
}
