import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, drawnCharts, launchChromium } from './headless-chromium';
import { writeSyntheticExperiment } from '../src/experiment-report/fixtures/synthetic-experiment';
import { srl } from './run-srl';

describe.runIf(chromiumAvailable)('srl experiment-report in headless Chromium', () => {
  it('draws every chart, the table and the rollouts with their diffs against the expert', async () => {
    const dir = writeSyntheticExperiment();
    const { code, err } = await srl(['experiment-report', dir]);
    expect(code, err).toBe(0);
    expect(readFileSync(`${dir}/results.md`, 'utf8')).toContain('| SRL | 41.0 ± 1.0 |');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(`${dir}/report.html`).href);
      const charts = await drawnCharts(page);
      expect(charts.map((c) => c.title)).toEqual([
        'hard (held out): greedy accuracy',
        'easy (held out): greedy accuracy',
        'dynamic-sampling filter rate (groups dropped)',
        'training reward (mean over all rollouts)',
        'training reward of kept groups',
      ]);
      for (const c of charts) {
        expect(c.width, c.title ?? '').toBeGreaterThan(100);
        expect(c.height, c.title ?? '').toBeGreaterThan(50);
        expect(c.marks, `${c.title}: no drawn marks`).toBeGreaterThan(0);
        // Both arms that ran are drawn; the ablation with no seeds yet is not.
        expect(c.legend, c.title ?? '').toEqual(expect.arrayContaining(['SRL', 'RLVR']));
      }
      expect(charts[0].legend.some((t) => t.includes('budget spent (tokens)'))).toBe(true);
      const rows = await page.$$eval('table.results tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      expect(rows[0]).toEqual(['arm', 'hard greedy', 'hard avg@8', 'easy greedy', 'easy avg@8', 'budget spent (tokens)', 'mean filter rate', 'seeds']);
      expect(rows.find((r) => r[0] === 'SRL')).toEqual(['SRL', '41.0 ± 1.0', '20.5 ± 0.5', '61.0 ± 1.0', '30.5 ± 0.5', '1,001 ± 1', '10.0 ± 10.0', '3/3']);
      expect(rows.find((r) => r[0] === 'RLVR')).toEqual(['RLVR', '25.0', '12.5', '30.0', '15.0', '1,000', '90.0', '1/3 (running: 1; missing 2)']);
      // Rollouts: the same three hard problems per arm, the expert solution loaded from the recorded recipe's task, diff spans on both sides.
      const rollouts = await page.$$eval('table.rollouts', (tables) => tables.map((t) => t.querySelectorAll('tr').length - 1));
      expect(rollouts).toEqual([3, 3, 3]);
      const text = (await page.textContent('body')) ?? '';
      expect(text).not.toContain('Expert solutions unavailable');
      expect(text).toContain('The result is $\\boxed{4}$.'); // expert of problem 1, from benchmarks/hard.jsonl
      expect(await page.$$('table.rollouts span.del')).not.toHaveLength(0);
      expect(await page.$$('table.rollouts span.ins')).not.toHaveLength(0);
      expect(await page.$$eval('table.rollouts .ok', (els) => els.length)).toBe(3); // problem 0 is correct for each of the three rows
      expect(await page.$$('script')).toHaveLength(0);
    } finally {
      await browser.close();
    }
  });
});
