import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '@srl/core';
import { lineChartSvg, type SeriesPoint } from './charts';
import { diffHtml, escapeHtml } from './diff-html';

interface MetricLine {
  stage: number;
  trainer?: string;
  step: number;
  type?: string;
  sample?: { prompt: string; reference: string; completion: string; reward: number | null };
  [key: string]: unknown;
}

function readStages(runDir: string): { name: string; lines: MetricLine[] }[] {
  const stagesDir = path.join(runDir, 'stages');
  if (!existsSync(stagesDir)) throw new SrlError('usage', `${runDir} is not a run folder: it has no stages/ (run \`srl train\` first)`);
  const order = (name: string): number => Number(/^(\d+)-/.exec(name)?.[1] ?? Infinity);
  return readdirSync(stagesDir)
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((name) => {
      const file = path.join(stagesDir, name, 'metrics.jsonl');
      const lines = existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as MetricLine)
        : [];
      return { name, lines };
    });
}

function series(stages: { name: string; lines: MetricLine[] }[], key: string): SeriesPoint[] {
  return stages.flatMap(({ name, lines }) =>
    lines.filter((l) => typeof l[key] === 'number' && Number.isFinite(l[key])).map((l) => ({ stage: name, step: l.step, value: l[key] as number })),
  );
}

const actionOf = (completion: string): string => (completion.includes('</think>') ? completion.slice(completion.lastIndexOf('</think>') + 8) : completion).trim();

/** Builds a self-contained HTML report (inline SVG charts, no scripts) of a run folder. */
export async function buildReport(runDir: string): Promise<string> {
  const stages = readStages(runDir);
  const run = existsSync(path.join(runDir, 'run.json')) ? (JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { recipe?: string; status?: string }) : {};
  const charts: string[] = [];
  const wanted: [string, string][] = [
    ['reward/mean', 'reward (mean over rollouts)'],
    ['filter_rate', 'dynamic-sampling filter rate'],
    ['val/accuracy', 'validation accuracy'],
    ['loss', 'loss'],
    ['val_loss', 'validation loss'],
    ['completion_length/mean', 'completion length (tokens)'],
  ];
  for (const [key, title] of wanted) {
    const points = series(stages, key);
    if (points.length) charts.push(`<figure>${await lineChartSvg(title, points)}</figure>`);
  }
  const samples = stages.flatMap(({ name, lines }) => lines.filter((l) => l.sample).map((l) => ({ stage: name, step: l.step, ...l.sample! })));
  const shown = samples.filter((_, i) => samples.length <= 40 || i % Math.ceil(samples.length / 40) === 0);
  const rows = shown
    .map((s) => {
      const d = diffHtml(actionOf(s.completion), s.reference);
      return `<tr><td>${escapeHtml(s.stage)}</td><td>${s.step}</td><td>${s.reward === null ? 'null' : s.reward.toFixed(3)}</td><td><pre>${d.model}</pre></td><td><pre>${d.expert}</pre></td></tr>`;
    })
    .join('\n');
  const summary = stages
    .map(({ name, lines }) => {
      const steps = lines.filter((l) => l.type === undefined);
      const last = steps[steps.length - 1];
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(String(last?.trainer ?? ''))}</td><td>${steps.length}</td><td>${typeof last?.loss === 'number' ? last.loss.toFixed(4) : '-'}</td><td>${typeof last?.['reward/mean'] === 'number' ? (last['reward/mean'] as number).toFixed(4) : '-'}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>srl report: ${escapeHtml(run.recipe ?? path.basename(runDir))}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}
figure{display:inline-block;margin:0 1rem 1rem 0}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px;vertical-align:top;font-size:13px}
pre{white-space:pre-wrap;margin:0;font-size:12px}.del{background:#fdd}.ins{background:#dfd}
</style></head><body>
<h1>srl run: ${escapeHtml(run.recipe ?? path.basename(runDir))}</h1>
<p>status: ${escapeHtml(run.status ?? 'unknown')} &middot; folder: ${escapeHtml(path.resolve(runDir))}</p>
<h2>Stages</h2>
<table><tr><th>stage</th><th>trainer</th><th>steps</th><th>last loss</th><th>last reward</th></tr>
${summary}
</table>
<h2>Metrics</h2>
${charts.join('\n') || '<p>No metrics yet.</p>'}
<h2>Sample rollouts</h2>
<p>The model's step (after &lt;/think&gt;) beside the expert step. Highlighted: characters outside difflib's matching blocks, i.e. what the similarity reward does not count.</p>
<table><tr><th>stage</th><th>step</th><th>reward</th><th>model step</th><th>expert step</th></tr>
${rows || '<tr><td colspan="5">No rollouts logged (SFT stages log none).</td></tr>'}
</table>
</body></html>
`;
}
