import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { learningCurve, trainingCurve } from './experiment-curves';
import { expertSolutions } from './expert-solutions';
import { expertOf, greedyOf, writeSyntheticExperiment } from './fixtures/synthetic-experiment';
import { readExperiment } from './read-experiment';
import { resultsMarkdown } from './results-markdown';
import { formatSeeds, resultsTable } from './results-table';

describe('experiment results table', () => {
  const dir = writeSyntheticExperiment();
  const exp = readExperiment(dir);
  const table = resultsTable(exp);
  const row = (arm: string) => table.rows.find((r) => r.arm === arm)!;
  const col = (title: string): number => table.columns.findIndex((c) => c.title === title);

  it('orders the hard split first and gives greedy and avg@k per split', () => {
    expect(table.columns.map((c) => c.title)).toEqual(['hard greedy', 'hard avg@8', 'easy greedy', 'easy avg@8']);
    expect(table.rows.map((r) => r.arm)).toEqual(['base', 'srl', 'rlvr', 'srl-no-ds']);
  });

  it("aggregates each seed's final evaluation: mean and sample std", () => {
    const srl = row('srl').cells[col('hard greedy')]!;
    const finals = [0, 1, 2].map((s) => greedyOf('srl', s, 2, 'hard'));
    expect(finals).toEqual([0.4, 0.41, 0.42]);
    expect(srl.n).toBe(3);
    expect(srl.mean).toBeCloseTo(0.41, 12);
    expect(srl.std).toBeCloseTo(0.01, 12);
    const easyAvg = row('srl').cells[col('easy avg@8')]!;
    expect(easyAvg.mean).toBeCloseTo((0.3 + 0.305 + 0.31) / 3, 12); // easy greedy 0.60, 0.61, 0.62 halved;
    expect(row('srl').budget).toMatchObject({ n: 3, mean: 1001, std: 1 });
    // filter rates 0, 0.1, 0.2 (constant over each seed's steps)
    expect(row('srl').filterRate!.mean).toBeCloseTo(0.1, 12);
    expect(row('srl').filterRate!.std).toBeCloseTo(0.1, 12);
  });

  it('counts only seeds with a final evaluation and says which are running or missing', () => {
    const rlvr = row('rlvr');
    // seed 1's latest evaluation (greedy-only, not final) is left out of the table
    expect(rlvr.cells[col('hard greedy')]).toEqual({ n: 1, mean: 0.25, std: null, min: 0.25, max: 0.25 });
    expect(formatSeeds(rlvr, exp.seeds)).toBe('1/3 (running: 1; missing 2)');
    const ablation = row('srl-no-ds');
    expect(ablation.cells.every((c) => c === null)).toBe(true);
    expect(formatSeeds(ablation, exp.seeds)).toBe('0/3 (missing 0, 1, 2)');
    expect(row('base').cells[col('hard greedy')]).toMatchObject({ n: 1, mean: 0.01, std: null });
  });

  it('writes results.md with the spread named, the seeds, wall time and machine', () => {
    const md = resultsMarkdown(exp, table);
    expect(md).toContain('| SRL | 41.0 ± 1.0 | 20.5 ± 0.5 |');
    expect(md).toContain('| RLVR | 25.0 | 12.5 | 30.0 | 15.0 | 1,000 | 90.0 | 1/3 (running: 1; missing 2) |');
    expect(md).toContain('| SRL without dynamic sampling (ablation) | – | – | – | – | – | – | 0/3 (missing 0, 1, 2) |');
    expect(md).toContain('| base model | 1.0 | 0.5 | 30.0 | 15.0 | – | – | – |');
    expect(md).toContain('mean ± sample standard deviation (n − 1 in the denominator)');
    expect(md).toContain('Status running; seeds 0, 1, 2; 1.5 min wall time; 2 CPUs, backend wasm, node v20.0.0, budget per arm 1000 tokens');
  });

  it('averages learning curves by evaluation index and training metrics by step', () => {
    const srl = learningCurve(exp, 'hard', 'greedy').filter((p) => p.series === 'SRL');
    expect(srl.map((p) => p.step)).toEqual([0, 501, 1001]);
    expect(srl[1].value).toBeCloseTo(0.31, 12);
    expect(srl[1].hi! - srl[1].value).toBeCloseTo(0.01, 12);
    const filter = trainingCurve(exp, 'filter_rate');
    const rlvrFirst = filter.find((p) => p.series === 'RLVR' && p.step === 1)!;
    expect(rlvrFirst.value).toBeCloseTo(0.905, 12); // the running seed's training steps count
    const rlvrCurve = learningCurve(exp, 'hard', 'greedy').filter((p) => p.series === 'RLVR');
    expect(rlvrCurve.map((p) => p.step)).toEqual([0, 500.5, 1000]); // the third point has seed 0 only
    expect(learningCurve(exp, 'hard', 'avg').filter((p) => p.series === 'SRL')).toHaveLength(1); // avg@k only at the final point
    expect(filter.filter((p) => p.series === 'SRL')).toHaveLength(4); // the validation line at step 0 is not a training step
  });

  it('reads expert solutions from benchmarks/, or else from the task of a recorded recipe', async () => {
    const ids = ['synthetic-arithmetic/test/0', 'synthetic-arithmetic/test/1'];
    const recorded = await expertSolutions(exp, 'hard', 'test', ids);
    expect('solutions' in recorded && recorded.solutions.get(ids[1])).toBe(expertOf(1));
    const other = writeSyntheticExperiment();
    rmSync(path.join(other, 'benchmarks'), { recursive: true });
    const fromTask = await expertSolutions(readExperiment(other), 'hard', 'test', ids);
    expect('solutions' in fromTask && fromTask.solutions.get(ids[0])).toMatch(
      /^SOLUTION:\n1\. \*\*.+\n2\. .+\n3\. .+\n4\. .+\n5\. \*\*State the result\*\* The result is \$\\boxed\{-?\d+\}\$\.$/,
    );
    expect(await expertSolutions(readExperiment(other), 'easy', 'test', ids)).toEqual({ missing: expect.stringMatching(/names the benchmark easy/) });
  });

  it('refuses a folder that is no experiment', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'srl-not-experiment-'));
    expect(() => readExperiment(empty)).toThrow(/is not an experiment folder: it has no experiment.json, arms\/ or base\//);
  });

  it('reads a folder with only an experiment.json (nothing has run yet)', async () => {
    const { writeExperimentReport } = await import('./write-experiment-report');
    const early = mkdtempSync(path.join(tmpdir(), 'srl-experiment-early-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(early, 'experiment.json'), JSON.stringify({ name: 'early', seeds: [0], arms: [{ name: 'srl', label: 'SRL' }], status: 'running' }));
    const { resultsPath, reportPath } = await writeExperimentReport(early);
    expect(readFileSync(resultsPath, 'utf8')).toContain('| SRL | – | – | 0/1 (missing 0) |');
    expect(readFileSync(reportPath, 'utf8')).toContain('No evaluation yet.');
  });
});
