import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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

describe('quickstart (smoke)', () => {
  it('trains SFT then SRL for two steps each, and reports', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-quickstart-'));
    expect(await main(['--log-format', 'json', 'train', recipe, '--out', out, '--max-steps', '2'])).toBe(0);
    const sft = lines(path.join(out, 'stages', '0-sft-tiny', 'metrics.jsonl'));
    const srl = lines(path.join(out, 'stages', '1-srl-tiny', 'metrics.jsonl'));
    expect(sft.map((l) => l.step)).toEqual([1, 2]);
    expect(srl.map((l) => l.step)).toEqual([1, 2]);
    expect(srl[0]['reward/mean']).toEqual(expect.any(Number));
    expect(srl[0]).toHaveProperty('filter_rate');
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('stopped'); // --max-steps: resumable to the full length;
    expect(await main(['report', out])).toBe(0);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
  });
});
