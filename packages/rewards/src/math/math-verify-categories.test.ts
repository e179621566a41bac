// Agreement with HuggingFace Math-Verify on the answer styles of NuminaMath / OpenThoughts golds
// that the 204 shared cases do not cover (fixtures/math-verify-categories.jsonl; labels derived
// from Math-Verify's parser and grader rules). Misses are printed with what each side was read as.
import { describe, expect, it } from 'vitest';
import { describeCategoryMiss, loadCategoryCases, runCategoryCase, summarize } from './category-cases';

const cases = loadCategoryCases();
const outcomes = cases.map(runCategoryCase);
const categories = [...new Set(cases.map((c) => c.category))];

describe('Math-Verify answer-style categories', () => {
  it('holds a few hundred cases, both verdicts in every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    for (const category of ['set-of-tuples', 'assignment', 'ratio', 'inequality-interval', 'several-answers', 'algebraic-forms', 'text-around-numbers']) {
      const own = cases.filter((c) => c.category === category);
      expect(own.filter((c) => c.expected === 1).length, category).toBeGreaterThanOrEqual(5);
      expect(own.filter((c) => c.expected === 0).length, category).toBeGreaterThanOrEqual(3);
    }
  });

  it('agrees on at least 95% overall and 90% in every category', () => {
    for (const miss of outcomes.filter((o) => !o.agrees)) console.log(describeCategoryMiss(miss));
    const table = summarize(outcomes);
    for (const category of categories) {
      const row = table.get(category)!;
      console.log(`${category}: ${row.agree}/${row.cases}`);
      expect(row.agree / row.cases, category).toBeGreaterThanOrEqual(0.9);
    }
    expect(outcomes.filter((o) => o.agrees).length / outcomes.length).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects where Math-Verify rejects: no expected-0 case is judged correct', () => {
    // Agreement, not leniency: an over-accepting checker would pass the positives alone.
    expect(outcomes.filter((o) => o.case.expected === 0 && o.got === 1).map(describeCategoryMiss)).toEqual([]);
  });
});
