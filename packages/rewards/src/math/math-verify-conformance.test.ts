// Conformance with HuggingFace Math-Verify v0.8.0: its own labelled test cases, each run with
// the settings it was written for. The target is >= 95% agreement; misses are printed with what
// each side was read as (also: scripts/math-verify-misses.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeMiss, loadMathVerifyCases, runMathVerifyCase } from './math-verify-cases';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cases = loadMathVerifyCases(path.resolve(repoRoot, '../shared/data/conformance/math_verify/cases.jsonl'));

describe('Math-Verify v0.8.0 test cases', () => {
  it('has all 204 labelled cases, of both verdicts', () => {
    expect(cases).toHaveLength(204);
    expect(cases.filter((c) => c.expected === 0).length).toBeGreaterThan(20);
  });

  it('agrees on at least 95% of them', () => {
    const outcomes = cases.map(runMathVerifyCase);
    const misses = outcomes.filter((o) => !o.agrees);
    const agreement = (outcomes.length - misses.length) / outcomes.length;
    console.log(`Math-Verify agreement: ${outcomes.length - misses.length}/${outcomes.length} = ${(100 * agreement).toFixed(1)}%`);
    for (const miss of misses) console.log(describeMiss(miss));
    expect(agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('also rejects where Math-Verify rejects: every expected-0 comparison is judged 0', () => {
    // A checker that said "equal" to everything would reach ~85%; the negatives must hold on their own.
    const negatives = cases.filter((c) => c.expected === 0).map(runMathVerifyCase);
    expect(negatives.filter((o) => o.got !== 0).map((o) => describeMiss(o))).toEqual([]);
  });
});
