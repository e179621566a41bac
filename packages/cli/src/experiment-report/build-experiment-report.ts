import type { SeriesPoint } from '../report/charts';
import { escapeHtml } from '../report/diff-html';
import { figure } from '../report/write-report';
import { learningCurve, trainingCurve } from './experiment-curves';
import type { Experiment } from './read-experiment';
import { runLine, spreadNote } from './results-markdown';
import { formatBudget, formatPercent, formatSeeds, resultsTable, rowLabel, type ResultsTable } from './results-table';
import { sampleRolloutsSection } from './sample-rollouts';

function tableHtml(exp: Experiment, table: ResultsTable): string {
  const header = ['arm', ...table.columns.map((c) => c.title), `budget spent (${table.budgetKind})`, 'mean filter rate', 'seeds'];
  const rows = table.rows
    .map((row) => {
      const cells = [...row.cells.map(formatPercent), row.base ? '–' : formatBudget(row.budget), formatPercent(row.filterRate), formatSeeds(row, exp.seeds)];
      return `<tr class="${row.base ? 'base' : row.ablation ? 'ablation' : 'arm'}"><th>${escapeHtml(rowLabel(row))}</th>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="results"><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>\n${rows}\n</table>\n<p class="note">${escapeHtml(spreadNote(exp, table))}</p>`;
}

/** A figure, or a line saying why there is none (a partial experiment has no points yet). */
async function chartOrNote(title: string, points: SeriesPoint[], xTitle: string, format?: string): Promise<string> {
  return points.length ? figure(title, points, format, xTitle) : `<p class="empty">${escapeHtml(title)}: no data yet.</p>`;
}

/**
 * A self-contained HTML report of an experiment folder (inline SVG charts, each with a table
 * fallback, no scripts): the results table, held-out learning curves against budget, the
 * dynamic-sampling filter rate and the reward of every GRPO stage, and sample rollouts with their diffs.
 */
export async function buildExperimentReport(exp: Experiment, table: ResultsTable = resultsTable(exp)): Promise<string> {
  const budgetAxis = `budget spent (${table.budgetKind})`;
  const curves: string[] = [];
  const labels = new Map((exp.meta?.benchmarks ?? []).map((b) => [b.name, b.label ?? b.name]));
  for (const column of table.columns) {
    const points = learningCurve(exp, column.benchmark, column.metric);
    // Intermediate evaluations may be greedy-only: avg@k gets a curve only where some arm has two points of it.
    const series = new Set(points.map((p) => p.series));
    if (column.metric === 'avg' && ![...series].some((s) => points.filter((p) => p.series === s).length > 1)) continue;
    const name = column.metric === 'greedy' ? 'greedy accuracy' : column.title.slice(column.benchmark.length + 1);
    curves.push(await chartOrNote(`${labels.get(column.benchmark) ?? `${column.benchmark} (held out)`}: ${name}`, points, budgetAxis, '.0%'));
  }
  const filter = await chartOrNote('dynamic-sampling filter rate (groups dropped)', trainingCurve(exp, 'filter_rate'), 'training step', '.0%');
  const reward = await chartOrNote('training reward (mean over all rollouts)', trainingCurve(exp, 'reward/mean'), 'training step');
  const kept = await chartOrNote('training reward of kept groups', trainingCurve(exp, 'reward_kept/mean'), 'training step');
  const hard = table.columns[0]?.benchmark;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>srl experiment: ${escapeHtml(exp.name)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1400px}
figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}
table{border-collapse:collapse;margin-bottom:.5rem}td,th{border:1px solid #ddd;padding:4px;vertical-align:top;font-size:13px;text-align:left}
table.results td{text-align:right;font-variant-numeric:tabular-nums}tr.base th{font-style:italic}tr.ablation th{color:#555}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;font-size:12px;max-width:460px}pre.problem{max-width:none;margin-bottom:.4rem}.del{background:#fdd}.ins{background:#dfd}
.ok{color:#070;font-weight:600}.bad{color:#b00;font-weight:600}.note,.empty{color:#555;font-size:13px}
details summary{cursor:pointer;color:#555;font-size:12px}
</style></head><body>
<h1>srl experiment: ${escapeHtml(exp.name)}</h1>
<p>${escapeHtml(runLine(exp))} Folder: ${escapeHtml(exp.dir)}</p>
<h2>Results</h2>
${tableHtml(exp, table)}
<h2>Learning curves</h2>
<p class="note">Held-out accuracy of each arm's checkpoints against the budget spent when they were written: the i-th evaluation of each seed averaged, band ± sample std over seeds. srl experiment evaluates intermediate checkpoints greedily on the first eval.curve.limit problems and the final one on eval.limit problems, so the last point may rest on more problems than the others.</p>
${curves.join('\n')}
<h2>Dynamic sampling</h2>
<p class="note">Fraction of sampled groups dropped by the filter at each step (SRL: reward std ≤ ε; RLVR: all-correct or all-wrong groups, DAPO). The paper's mechanism: RLVR's groups on hard problems are all wrong and filtered, SRL's step rewards keep a spread. Mean over seeds, band ± sample std.</p>
${filter}
<h2>Rewards</h2>
<p class="note">Each arm's training reward per step (similarity for SRL stages, correctness for RLVR stages), mean over seeds.</p>
${reward}
${kept}
${await sampleRolloutsSection(exp, hard)}
</body></html>
`;
}
