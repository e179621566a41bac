/**
 * Lists the Math-Verify v0.8.0 test cases on which `verifyMathAnswer` disagrees with
 * Math-Verify, with what each side was read as. Run: `pnpm exec tsx --conditions=source packages/rewards/scripts/math-verify-misses.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMiss, loadMathVerifyCases, runMathVerifyCase } from '../src/math/math-verify-cases';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cases = loadMathVerifyCases(path.resolve(root, '../shared/data/conformance/math_verify/cases.jsonl'));
const started = performance.now();
const outcomes = cases.map(runMathVerifyCase);
const misses = outcomes.filter((o) => !o.agrees);
for (const miss of misses) console.log(describeMiss(miss));
const agreed = outcomes.length - misses.length;
console.log(`agreement ${agreed}/${outcomes.length} = ${((100 * agreed) / outcomes.length).toFixed(1)}% (${(performance.now() - started).toFixed(0)} ms)`);
