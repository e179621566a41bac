import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, drawnCharts, launchChromium } from './headless-chromium';
import { buildReport } from '../src/report/write-report';

/** A run folder with an SFT stage and an SRL stage whose metric lines carry every kind of series srl logs. */
function runFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'srl-report-'));
  const write = (stage: string, lines: object[]): void => {
    mkdirSync(path.join(dir, 'stages', stage), { recursive: true });
    writeFileSync(path.join(dir, 'stages', stage, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  };
  write(
    '0-sft',
    [1, 2, 3, 4].map((step) => ({
      stage: 0,
      trainer: 'sft',
      step,
      loss: 5 - step / 2,
      grad_norm: 1 + step / 10,
      lr: 1e-3 * step,
      tokens: 300,
      'tokens/s': 800,
      'time/update': 0.4,
    })),
  );
  write('1-srl', [
    { stage: 1, trainer: 'srl', step: 0, type: 'validation', 'val/accuracy': 0.1, 'val/problems': 8 },
    ...[1, 2, 3].map((step) => ({
      stage: 1,
      trainer: 'srl',
      step,
      'reward/mean': step / 10,
      'reward/std': 0.05,
      'reward/similarity/mean': step / 10,
      'reward/similarity/std': 0.05,
      'reward/format_ok/mean': 1,
      'reward/format_ok/std': 0,
      'reward_kept/mean': step / 9,
      filter_rate: 0.25,
      kept_groups: 3,
      generated_groups: 4,
      sampling_rounds: 1,
      loss: -0.01 * step,
      kl: 0.001 * step,
      entropy: 5.5,
      clip_fraction: 0.02,
      'completion_length/mean': 30,
      finish_length_fraction: 0.5,
      'time/generation': 0.2,
      'time/update': 0.5,
      'memory/rss': 5e8,
      custom_metric: step,
      sample: { prompt: 'Question: 2+2?', reference: '1. **Add** 2 + 2 = 4', completion: '<think>add</think>1. **Add** 2 + 2 = 5', reward: 0.9 },
    })),
  ]);
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ recipe: 'report-test', status: 'complete', environment: { node: process.version } }));
  writeFileSync(path.join(dir, 'recipe.json'), JSON.stringify({ name: 'report-test', seed: 3, policy: ['tfjs-transformer', {}] }));
  return dir;
}

describe.runIf(chromiumAvailable)('srl report in headless Chromium', () => {
  it('draws every chart: each figure holds an SVG with visible marks', async () => {
    const dir = runFolder();
    const file = path.join(dir, 'report.html');
    writeFileSync(file, await buildReport(dir));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      const charts = await drawnCharts(page);
      const titles = charts.map((c) => c.title);
      // Every series of metrics.jsonl is somewhere: rewards per component, sampling, loss per stage, policy, time, memory, unknown keys.
      for (const t of [
        'reward (all rollouts, and kept groups)',
        'reward component: similarity',
        'filter rate and fill',
        'loss: 0-sft',
        'loss: 1-srl',
        'KL to the reference (k3)',
        'entropy of completion tokens',
        'seconds per step, by phase',
        'memory (bytes)',
        'custom_metric',
        'validation accuracy',
        'learning rate',
      ]) {
        expect(titles).toContain(t);
      }
      for (const c of charts) {
        expect(c.width, c.title ?? '').toBeGreaterThan(100);
        expect(c.height, c.title ?? '').toBeGreaterThan(50);
        expect(c.marks, `${c.title}: no drawn marks`).toBeGreaterThan(0);
      }
      const text = await page.textContent('body');
      expect(text).toContain('Question: 2+2?'); // prompts beside rollouts
      expect(text).toContain('"node"'); // environment from run.json
      expect(await page.$$('script')).toHaveLength(0);
    } finally {
      await browser.close();
    }
  });
});
