import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@srl/cli';
import { describe, expect, it } from 'vitest';

const recipe = fileURLToPath(new URL('../recipe.yaml', import.meta.url));
const lines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('swe-srl (smoke)', () => {
  it('trains SFT then SRL on SWE step instances for two steps each, then evaluates the agent on built-in tasks', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-swe-'));
    expect(await main(['--log-format', 'json', 'train', recipe, '--out', out, '--max-steps', '2'])).toBe(0);
    const sft = lines(path.join(out, 'stages', '0-sft-tiny', 'metrics.jsonl'));
    const srl = lines(path.join(out, 'stages', '1-srl-tiny', 'metrics.jsonl'));
    expect(sft.map((l) => l.step)).toEqual([1, 2]);
    expect(srl.map((l) => l.step)).toEqual([1, 2]);
    expect(srl[0]!['reward/mean']).toEqual(expect.any(Number));
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('stopped'); // --max-steps cut the stages short: resumable to their full length

    // The trained policy as an agent in the sandbox on two built-in tasks (kept short for CI).
    const checkpoints = path.join(out, 'stages', '1-srl-tiny', 'checkpoints');
    // A stage cut by --max-steps has no final checkpoint: evaluate its latest.
    const final = JSON.parse(readFileSync(path.join(checkpoints, 'latest.json'), 'utf8')).dir;
    const evalDir = path.join(out, 'eval');
    expect(await main(['--log-format', 'json', 'eval', recipe, '--checkpoint', path.join(checkpoints, final), '--out', evalDir, '--limit', '2'])).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(evalDir, 'summary.json'), 'utf8'));
    // A model this small after four steps resolves nothing; the number is reported, not assumed.
    expect(summary.summaries[0]).toMatchObject({ benchmark: 'swe-builtin', split: 'test', problems: 2, resolveRate: expect.any(Number) });
    const runs = lines(path.join(evalDir, 'swe-builtin.trajectories.jsonl'));
    expect(runs.map((r) => [r.instanceId, typeof r.resolved])).toEqual([
      ['builtin__node-camelcase', 'boolean'],
      ['builtin__node-duration', 'boolean'],
    ]);
  });
});
