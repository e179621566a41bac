import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@srl/cli';
import { describe, expect, it } from 'vitest';

const recipe = fileURLToPath(new URL('../recipe.yaml', import.meta.url));

describe('SRL with a third-party reward (smoke)', () => {
  it('runs two steps with step-similarity + 0.5 x token-f1 and logs both components', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-custom-reward-'));
    expect(await main(['--log-format', 'json', 'train', recipe, '--out', out, '--max-steps', '2'])).toBe(0);
    const lines = readFileSync(path.join(out, 'stages', '0-srl-tiny', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([1, 2]);
    expect(lines[0]).toHaveProperty('reward/step-similarity/mean');
    expect(lines[0]).toHaveProperty('reward/token-f1/mean');
    expect(lines[0]).toHaveProperty('reward/token-f1.recall/mean');
  });
});
