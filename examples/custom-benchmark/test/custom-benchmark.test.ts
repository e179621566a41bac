import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@srl/cli';
import { describe, expect, it } from 'vitest';

const recipe = fileURLToPath(new URL('../recipe.yaml', import.meta.url));

describe('a new benchmark from configuration only', () => {
  it('evaluates MATH500 and the custom JSONL (other field names, integer answers) end to end and writes the table', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-eval-'));
    expect(await main(['--log-format', 'json', 'eval', recipe, '--out', out])).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
      summaries: { benchmark: string; problems: number; skipped: number; greedyAccuracy: number; avgAtK: number; passAtK: Record<string, number> }[];
    };
    expect(summary.summaries.map((s) => [s.benchmark, s.problems, s.skipped])).toEqual([
      ['math-math500', 24, 0],
      ['pencils-and-tanks', 24, 0],
    ]);
    for (const s of summary.summaries) {
      expect(s.greedyAccuracy).toBeGreaterThanOrEqual(0);
      expect(Object.keys(s.passAtK)).toEqual(['1', '2', '4']);
      expect(s.passAtK['1']).toBeCloseTo(s.avgAtK, 12); // unbiased pass@1 equals avg@k
    }
    const rows = readFileSync(path.join(out, 'pencils-and-tanks.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatchObject({ id: 'cb-01', gold: '736' });
    expect(rows[0].samples.completions).toHaveLength(4);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| pencils-and-tanks \| test \| 24 \| 0 \|/);
  });
});
