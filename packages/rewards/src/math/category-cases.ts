/**
 * Labelled cases of the answer styles that NuminaMath / OpenThoughts golds and model answers use
 * (`fixtures/math-verify-categories.jsonl`): sets of tuples, assignments and labelled values,
 * ratios, inequalities against intervals, several answers, other algebraic forms, text around
 * numbers. Each `expected` is Math-Verify 0.8's verdict as derived from its parser and grader
 * rules (the library itself cannot be installed here). Run with the `math-answer` defaults.
 */
import { readFileSync } from 'node:fs';
import { verifyMathAnswer, type MathVerification } from './verify-math-answer';

export interface CategoryCase {
  line: number;
  category: string;
  gold: string;
  pred: string;
  expected: 0 | 1;
  why?: string;
}

export interface CategoryOutcome {
  case: CategoryCase;
  got: 0 | 1;
  agrees: boolean;
  detail: MathVerification;
}

export const CATEGORY_CASES_FILE = new URL('./fixtures/math-verify-categories.jsonl', import.meta.url);

export function loadCategoryCases(file: URL | string = CATEGORY_CASES_FILE): CategoryCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => ({ line: i + 1, ...(JSON.parse(l) as Omit<CategoryCase, 'line'>) }));
}

export function runCategoryCase(c: CategoryCase): CategoryOutcome {
  const detail = verifyMathAnswer({ gold: c.gold, prediction: c.pred });
  const got = detail.status === 'correct' ? 1 : 0;
  return { case: c, got, agrees: got === c.expected, detail };
}

/** Per category: cases, positives, agreements. */
export function summarize(outcomes: CategoryOutcome[]): Map<string, { cases: number; positives: number; agree: number }> {
  const table = new Map<string, { cases: number; positives: number; agree: number }>();
  for (const o of outcomes) {
    const row = table.get(o.case.category) ?? { cases: 0, positives: 0, agree: 0 };
    row.cases++;
    row.positives += o.case.expected;
    row.agree += o.agrees ? 1 : 0;
    table.set(o.case.category, row);
  }
  return table;
}

export function describeCategoryMiss(o: CategoryOutcome): string {
  const d = o.detail;
  return `line ${o.case.line} [${o.case.category}] expected ${o.case.expected}, got ${o.got}\n  gold ${JSON.stringify(o.case.gold)} → ${d.gold?.parsed ?? 'nothing'}\n  pred ${JSON.stringify(o.case.pred)} → ${d.prediction?.parsed ?? 'nothing'} (${d.status})`;
}
