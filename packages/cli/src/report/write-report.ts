import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SrlError, type RunRecord } from '@srl/core';
import { lineChartSvg, type SeriesPoint } from './charts';
import { dataSection } from './data-section';
import { diffHtml, escapeHtml } from './diff-html';
import { globalStepOffsets, groupMetrics, numericKeys, type ChartSpec, type MetricLine, type StageMetrics } from './metric-groups';

/** The metric lines of each stage of a run folder, in stage order (a line cut by a crash is skipped). */
export function readStages(runDir: string): StageMetrics[] {
  const stagesDir = path.join(runDir, 'stages');
  if (!existsSync(stagesDir)) throw new SrlError('usage', `${runDir} is not a run folder: it has no stages/ (run \`srl train\` first)`);
  const order = (name: string): number => Number(/^(\d+)-/.exec(name)?.[1] ?? Infinity);
  return readdirSync(stagesDir)
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((name) => {
      const file = path.join(stagesDir, name, 'metrics.jsonl');
      const lines: MetricLine[] = [];
      if (existsSync(file)) {
        for (const text of readFileSync(file, 'utf8').split('\n')) {
          if (!text.trim()) continue;
          try {
            lines.push(JSON.parse(text) as MetricLine);
          } catch {
            // a line cut by a crash mid-write: the rest of the file still reports
          }
        }
      }
      return { name, lines };
    });
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The points of one chart: every key, every stage, on the global step axis. */
function chartPoints(stages: StageMetrics[], chart: ChartSpec, offsets: Map<string, number>): SeriesPoint[] {
  const several = stages.filter(({ lines }) => chart.keys.some(({ key }) => lines.some((l) => finite(l[key])))).length > 1;
  return stages.flatMap(({ name, lines }) =>
    chart.keys.flatMap(({ key, label, std }) =>
      lines
        .filter((l) => finite(l[key]))
        .map((l) => {
          const value = l[key] as number;
          const s = std !== undefined && finite(l[std]) ? (l[std] as number) : undefined;
          return {
            series: several ? `${name}: ${label}` : label,
            step: (offsets.get(name) ?? 0) + l.step,
            value,
            ...(s !== undefined ? { lo: value - s, hi: value + s } : {}),
          };
        }),
    ),
  );
}

/** A chart with its table fallback (the numbers, for readers without SVG or who want them). */
export async function figure(title: string, points: SeriesPoint[], format?: string, xTitle = 'step'): Promise<string> {
  const rows = points
    .slice(-400)
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.series)}</td><td>${p.step}</td><td>${p.value.toPrecision(6)}</td><td>${p.lo === undefined ? '' : `${p.lo.toPrecision(4)} .. ${p.hi!.toPrecision(4)}`}</td></tr>`,
    )
    .join('');
  return `<figure class="chart" data-title="${escapeHtml(title)}">${await lineChartSvg(title, points, { ...(format ? { format } : {}), ...(xTitle !== 'step' ? { xTitle } : {}) })}<details><summary>table</summary><table><tr><th>series</th><th>${escapeHtml(xTitle)}</th><th>value</th><th>± std</th></tr>${rows}</table></details></figure>`;
}

/** Run configuration and environment: run.json, the recipe as recorded, wall time per stage. */
function configSection(runDir: string, stages: StageMetrics[]): string {
  const run = readJson(path.join(runDir, 'run.json')) ?? {};
  const recipe = readJson(path.join(runDir, 'recipe.json'));
  const seconds = stages.map(({ name, lines }) => {
    const total = lines.reduce((sum, l) => sum + Object.entries(l).reduce((s, [k, v]) => s + (k.startsWith('time/') && finite(v) ? v : 0), 0), 0);
    return `<tr><td>${escapeHtml(name)}</td><td>${total.toFixed(1)} s</td></tr>`;
  });
  const facts: [string, unknown][] = [
    ['recipe', run.recipe ?? recipe?.name],
    ['status', run.status],
    ['seed', recipe?.seed],
    ['policy', recipe?.policy],
    ['overrides', recipe?.overrides],
    ['environment', run.environment],
    ['started', run.started],
    ['updated', run.updated],
    ['error', run.error],
  ];
  const factRows = facts
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `<tr><th>${k}</th><td><code>${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</code></td></tr>`)
    .join('');
  return `<h2>Configuration</h2>
<table class="facts">${factRows}</table>
<h3>Time spent (generation + scoring + update)</h3><table><tr><th>stage</th><th>seconds</th></tr>${seconds.join('')}</table>
${recipe ? `<details><summary>recipe.json (after defaults)</summary><pre>${escapeHtml(JSON.stringify(recipe, null, 2))}</pre></details>` : ''}`;
}

/** The answer part of a completion (after the monologue), as the similarity rewards see it. */
export const actionOf = (completion: string): string =>
  (completion.includes('</think>') ? completion.slice(completion.lastIndexOf('</think>') + 8) : completion).trim();

function rolloutsSection(stages: StageMetrics[]): string {
  const samples = stages.flatMap(({ name, lines }) => lines.filter((l) => l.sample).map((l) => ({ stage: name, step: l.step, ...l.sample! })));
  const shown = samples.filter((_, i) => samples.length <= 40 || i % Math.ceil(samples.length / 40) === 0);
  const rows = shown
    .map((s) => {
      const d = diffHtml(actionOf(s.completion), s.reference);
      return `<tr><td>${escapeHtml(s.stage)}</td><td>${s.step}</td><td>${s.reward === null ? 'null' : s.reward.toFixed(3)}</td><td><details><summary>prompt</summary><pre>${escapeHtml(s.prompt)}</pre></details><pre>${escapeHtml(s.completion)}</pre></td><td><pre>${d.model}</pre></td><td><pre>${d.expert}</pre></td></tr>`;
    })
    .join('\n');
  return `<h2>Sample rollouts</h2>
<p>Each rollout with its prompt and whole completion, then the model's step (after &lt;/think&gt;) beside the expert step. Highlighted: characters outside difflib's matching blocks, i.e. what the similarity reward does not count.</p>
<table><tr><th>stage</th><th>step</th><th>reward</th><th>prompt and completion</th><th>model step</th><th>expert step</th></tr>
${rows || '<tr><td colspan="6">No rollouts logged (SFT stages log none).</td></tr>'}
</table>`;
}

/** Builds a self-contained HTML report (inline SVG charts with table fallbacks, no scripts) of a run folder. */
export async function buildReport(runDir: string): Promise<string> {
  const stages = readStages(runDir);
  const run = readJson(path.join(runDir, 'run.json')) ?? {};
  const title = String(run.recipe ?? path.basename(path.resolve(runDir)));
  const offsets = globalStepOffsets(stages);
  const sections: string[] = [];
  for (const group of groupMetrics(numericKeys(stages))) {
    const figures: string[] = [];
    for (const chart of group.charts) {
      const parts = chart.perStage ? stages.map((s) => ({ title: `${chart.title}: ${s.name}`, stages: [s] })) : [{ title: chart.title, stages }];
      for (const part of parts) {
        const points = chartPoints(part.stages, chart, offsets);
        if (points.length) figures.push(await figure(part.title, points, chart.format));
      }
    }
    if (figures.length) sections.push(`<h3>${escapeHtml(group.title)}</h3>\n${figures.join('\n')}`);
  }
  const summary = stages
    .map(({ name, lines }) => {
      const steps = lines.filter((l) => l.type === undefined);
      const last = steps[steps.length - 1];
      const offset = offsets.get(name) ?? 0;
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(String(last?.trainer ?? ''))}</td><td>${steps.length}</td><td>${offset + 1}..${offset + (last?.step ?? 0)}</td><td>${finite(last?.loss) ? last.loss.toFixed(4) : '-'}</td><td>${finite(last?.['reward/mean']) ? last['reward/mean'].toFixed(4) : '-'}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>srl report: ${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1400px}
figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px;vertical-align:top;font-size:13px;text-align:left}
pre{white-space:pre-wrap;margin:0;font-size:12px;max-width:420px}.del{background:#fdd}.ins{background:#dfd}
details summary{cursor:pointer;color:#555;font-size:12px}
</style></head><body>
<h1>srl run: ${escapeHtml(title)}</h1>
<p>status: ${escapeHtml(String(run.status ?? 'unknown'))} &middot; folder: ${escapeHtml(path.resolve(runDir))}</p>
<h2>Stages</h2>
<table><tr><th>stage</th><th>trainer</th><th>steps</th><th>global steps</th><th>last loss</th><th>last reward</th></tr>
${summary}
</table>
${dataSection(run.data as RunRecord['data'])}
${configSection(runDir, stages)}
<h2>Metrics</h2>
${sections.join('\n') || '<p>No metrics yet.</p>'}
${rolloutsSection(stages)}
</body></html>
`;
}
