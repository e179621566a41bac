/**
 * Agreement of `verifyMathAnswer` with Math-Verify on this package's labelled category cases,
 * per category, with every miss. Run: `pnpm exec tsx --conditions=source packages/rewards/scripts/math-verify-categories.ts`.
 */
import { describeCategoryMiss, loadCategoryCases, runCategoryCase, summarize } from '../src/math/category-cases';

const started = performance.now();
const outcomes = loadCategoryCases().map(runCategoryCase);
const elapsed = performance.now() - started;
for (const miss of outcomes.filter((o) => !o.agrees)) console.log(describeCategoryMiss(miss));
for (const [category, row] of summarize(outcomes)) {
  console.log(
    `${category.padEnd(22)} ${String(row.agree).padStart(3)}/${String(row.cases).padEnd(3)} (${row.positives} positive, ${row.cases - row.positives} negative)`,
  );
}
for (const [batch, row] of summarize(outcomes, (c) => c.batch)) console.log(`batch ${batch.padEnd(16)} ${row.agree}/${row.cases}`);
const agree = outcomes.filter((o) => o.agrees).length;
console.log(`agreement ${agree}/${outcomes.length} = ${((100 * agree) / outcomes.length).toFixed(1)}% (${elapsed.toFixed(0)} ms)`);
