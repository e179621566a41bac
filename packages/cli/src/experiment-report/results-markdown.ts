import type { Experiment } from './read-experiment';
import { formatBudget, formatPercent, formatSeeds, resultsTable, rowLabel, type ResultsTable } from './results-table';

/** Seeds, status, wall time and machine, in one line (from experiment.json). */
export function runLine(exp: Experiment): string {
  const m = exp.meta;
  const wall = typeof m?.wallSeconds === 'number' ? `${(m.wallSeconds / 60).toFixed(1)} min wall time` : 'wall time not recorded';
  const machine = m?.machine
    ? [
        m.machine.cpus !== undefined ? `${m.machine.cpus} CPUs` : null,
        typeof m.machine.workers === 'number' ? `${m.machine.workers} workers` : null,
        Array.isArray(m.machine.loadavg) ? `load average ${(m.machine.loadavg as number[]).map((x) => x.toFixed(1)).join(' ')}` : null,
        m.machine.backend ? `backend ${m.machine.backend}` : null,
        m.machine.node ? `node ${m.machine.node}` : null,
      ]
        .filter(Boolean)
        .join(', ')
    : 'machine not recorded';
  const enforced = m?.budget?.enforced === true ? ' (enforced)' : m?.budget?.enforced === false ? ' (logged, not enforced)' : '';
  const budget = m?.budget?.perArm !== undefined ? `, budget per arm ${`${m.budget.perArm} ${m.budget.kind ?? ''}`.trimEnd()}${enforced}` : '';
  return `Status ${exp.status}; seeds ${exp.seeds.join(', ') || 'none'}; ${wall}; ${machine}${budget}${m?.startedAt ? `; started ${m.startedAt}` : ''}${m?.finishedAt ? `, finished ${m.finishedAt}` : ''}.`;
}

/** The note under the table saying what the numbers are. */
export function spreadNote(exp: Experiment, table: ResultsTable): string {
  return (
    `Accuracy in percent on the held-out problems of each benchmark, at each seed's final evaluation (the largest budget spent). ` +
    `Cells are mean ± sample standard deviation (n − 1 in the denominator) over the seeds that have an evaluation; the seeds column gives n of ${exp.seeds.length}. ` +
    `The base model is evaluated once. Budget spent is in ${table.budgetKind}. Mean filter rate: the fraction of sampled groups dynamic sampling dropped, averaged over each seed's training steps (SFT has none). "–": not evaluated (yet).`
  );
}

/** results.md: the table of the paper's shape, with what the spread is and how the run went. */
export function resultsMarkdown(exp: Experiment, table: ResultsTable = resultsTable(exp)): string {
  const header = ['arm', ...table.columns.map((c) => c.title), `budget spent (${table.budgetKind})`, 'mean filter rate', 'seeds'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of table.rows) {
    lines.push(
      `| ${[rowLabel(row), ...row.cells.map(formatPercent), row.base ? '–' : formatBudget(row.budget), formatPercent(row.filterRate), formatSeeds(row, exp.seeds)].join(' | ')} |`,
    );
  }
  return `# ${exp.name}: results

${runLine(exp)}

${lines.join('\n')}

${spreadNote(exp, table)}
`;
}
