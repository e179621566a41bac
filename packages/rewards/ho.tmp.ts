import { describeCategoryMiss, loadCategoryCases, runCategoryCase, summarize } from './src/math/category-cases';
const outcomes = loadCategoryCases(process.argv[2]).map(runCategoryCase);
for (const miss of outcomes.filter((o) => !o.agrees)) console.log(describeCategoryMiss(miss));
for (const [c, r] of summarize(outcomes)) console.log(c, `${r.agree}/${r.cases}`);
console.log(outcomes.filter((o) => o.agrees).length, '/', outcomes.length);
