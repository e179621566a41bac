/**
 * Labelled cases of the answer styles that NuminaMath / OpenThoughts golds and model answers use
 * (`fixtures/math-verify-categories.jsonl`): sets of tuples, assignments and labelled values,
 * ratios, inequalities against intervals, several answers, other algebraic forms, text around
 * numbers. Each `expected` is Math-Verify's verdict as derived from its parser, grader and
 * latex2sympy rules (the library could not be installed here to label them). `batch` says how a
 * case was used: `tuned` cases were written with the fixes, the `held-out` batches were
 * labelled before the checker was run on them. Run with the `math-answer` defaults.
 */
import { readFileSync } from 'node:fs';
import { verifyMathAnswer, type MathVerification } from './verify-math-answer';

export interface CategoryCase {
  line: number;
  category: string;
  gold: string;
  pred: string;
  expected: 0 | 1;
  batch: 'tuned' | 'held-out' | 'held-out-2' | 'held-out-3';
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

export interface AgreementRow {
  cases: number;
  positives: number;
  agree: number;
}

/** Cases, positives and agreements per category (or per whatever `by` picks). */
export function summarize(outcomes: CategoryOutcome[], by: (c: CategoryCase) => string = (c) => c.category): Map<string, AgreementRow> {
  const table = new Map<string, AgreementRow>();
  for (const o of outcomes) {
    const key = by(o.case);
    const row = table.get(key) ?? { cases: 0, positives: 0, agree: 0 };
    row.cases++;
    row.positives += o.case.expected;
    row.agree += o.agrees ? 1 : 0;
    table.set(key, row);
  }
  return table;
}

export function describeCategoryMiss(o: CategoryOutcome): string {
  const d = o.detail;
  return `line ${o.case.line} [${o.case.category}] expected ${o.case.expected}, got ${o.got}\n  gold ${JSON.stringify(o.case.gold)} → ${d.gold?.parsed ?? 'nothing'}\n  pred ${JSON.stringify(o.case.pred)} → ${d.prediction?.parsed ?? 'nothing'} (${d.status})`;
}
