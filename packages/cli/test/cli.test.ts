import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { srl } from './run-srl';
import { parseRewardRow } from '../src/commands/reward-command';

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'srl-cli-'));

describe('srl reward', () => {
  it('prints one JSON line per row', async () => {
    const dir = tmp();
    const rows = path.join(dir, 'rows.jsonl');
    writeFileSync(rows, ['{"completion": "x = 3", "reference": "x = 3", "id": 1}', '', '{"completion": "a b", "reference": "b c"}'].join('\n'));
    const { code, out } = await srl(['reward', 'weighted-sum', '--input', rows, '--options', '{"rewards":[{"reward":"token-f1","weight":2}]}']);
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].reward).toBe(2);
    expect(lines[1]).toEqual({ reward: 1, components: { 'token-f1': 0.5, 'token-f1.precision': 0.5, 'token-f1.recall': 0.5 } });
  });

  it('passes fields other than completion, reference and prompt as metadata', () => {
    expect(parseRewardRow('{"completion":"a","reference":"b","prompt":"p","id":7,"tags":["x"]}', 'f:1')).toEqual({
      completion: 'a',
      reference: 'b',
      prompt: 'p',
      metadata: { id: 7, tags: ['x'] },
    });
  });

  it('refuses a bad row with its file and line, printing nothing', async () => {
    const dir = tmp();
    const rows = path.join(dir, 'rows.jsonl');
    writeFileSync(rows, '{"completion": "a", "reference": "a"}\n{"completion": 3}\n');
    const { code, out, err } = await srl(['reward', 'token-f1', '--input', rows]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/rows\.jsonl:2: "completion" must be a string, found 3/);
  });

  it('answers an unknown reward with suggestions, exit 2', async () => {
    const { code, err } = await srl(['reward', 'token-f2', '--input', '/dev/null']);
    expect(code).toBe(2);
    expect(err).toMatch(/unknown reward plugin "token-f2"; did you mean "token-f1"\?/);
  });
});

describe('srl plugins', () => {
  it('lists built-in and discovered third-party plugins with package and options', async () => {
    const { code, out } = await srl(['plugins', '--json']);
    expect(code).toBe(0);
    const plugins = JSON.parse(out) as { name: string; kind: string; package: string; options: Record<string, { default?: unknown }> }[];
    const f1 = plugins.find((p) => p.name === 'token-f1');
    expect(f1).toMatchObject({ kind: 'reward', package: 'srl-plugin-token-f1', options: { beta: { default: 1 } } });
    expect(plugins.find((p) => p.name === 'srl')).toMatchObject({ kind: 'trainer', package: '@srl/core' });
  });

  it('refuses an unknown kind', async () => {
    expect((await srl(['plugins', '--kind', 'rewards'])).code).toBe(2);
  });
});

describe('srl report', () => {
  it('writes a self-contained HTML report with charts and highlighted rollouts', async () => {
    const run = tmp();
    mkdirSync(path.join(run, 'stages', '1-srl'), { recursive: true });
    const lines = [1, 2, 3].map((step) => ({
      stage: 1,
      trainer: 'srl',
      step,
      'reward/mean': step / 10,
      filter_rate: 0.5,
      loss: 1 / step,
      sample: { prompt: 'p', reference: 'x = 3 + 4 = 7', completion: '<think>add</think>x = 3 + 4 = <8>', reward: 0.8 },
    }));
    lines.push({ stage: 1, step: 3, type: 'validation', 'val/accuracy': 0.25 } as never);
    writeFileSync(path.join(run, 'stages', '1-srl', 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const { code } = await srl(['report', run]);
    expect(code).toBe(0);
    const html = readFileSync(path.join(run, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('filter rate and fill');
    expect(html).toContain('validation accuracy');
    expect(html).toContain('x = 3 + 4 = <span class="del">&lt;8&gt;</span>');
    expect(html).not.toMatch(/<script/);
  });
});
