import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@srl/cli';
import { describe, expect, it } from 'vitest';

const recipe = fileURLToPath(new URL('../recipe.yaml', import.meta.url));
const read = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('SFT -> SRL -> RLVR on a tiny transformer (smoke)', () => {
  it('runs every stage for a few steps, each from the previous checkpoint, then evaluates the result', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-s2r-'));
    expect(await main(['--log-format', 'json', 'train', recipe, '--out', out, '--max-steps', '2'])).toBe(0);
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('stopped'); // --max-steps: resumable to the full length;
    expect(run.stages.map((s: { name: string; steps: number }) => [s.name, s.steps])).toEqual([
      ['0-sft-tiny', 2],
      ['srl', 2],
      ['rlvr', 2],
    ]);
    const srl = read(path.join(out, 'stages', '1-srl', 'metrics.jsonl'));
    // Validation at the start; a stage cut by --max-steps gets no end-of-stage validation (its resumed run does).
    expect(srl.filter((l) => l.type === 'validation').map((l) => l.step)).toEqual([0]);
    const rlvr = read(path.join(out, 'stages', '2-rlvr', 'metrics.jsonl'));
    expect(rlvr.map((l) => l.step)).toEqual([1, 2]);
    expect(rlvr[0]).toHaveProperty('reward/correct/mean');

    const final = JSON.parse(readFileSync(path.join(out, 'stages', '2-rlvr', 'checkpoints', 'latest.json'), 'utf8')).dir;
    const evalDir = path.join(out, 'eval');
    expect(
      await main([
        '--log-format',
        'json',
        'eval',
        recipe,
        '--checkpoint',
        path.join(out, 'stages', '2-rlvr', 'checkpoints', final),
        '--out',
        evalDir,
        '--limit',
        '4',
      ]),
    ).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(evalDir, 'summary.json'), 'utf8'));
    expect(summary.summaries[0]).toMatchObject({ benchmark: 'math-synthetic-arithmetic', task: 'math/synthetic-arithmetic', problems: 4, skipped: 0, k: 4 });
  });
});
