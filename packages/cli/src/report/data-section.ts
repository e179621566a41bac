import type { InstanceReport } from '@srl/core';
import { escapeHtml } from './diff-html';

/** The report's "Data" table: per stage and split, what was loaded and what was left out and why (run.json `data`). */
export function dataSection(data: Record<string, InstanceReport[]> | undefined): string {
  const rows = Object.entries(data ?? {}).flatMap(([stage, reports]) =>
    reports.map((r) => {
      const counts =
        Object.entries(r.skipped)
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', ') || 'none';
      const first = r.skippedFirst.length
        ? `<details><summary>first ${r.skippedFirst.length}</summary><pre>${escapeHtml(r.skippedFirst.join('\n'))}</pre></details>`
        : '';
      return `<tr><td>${escapeHtml(stage)}</td><td>${escapeHtml(r.split)}</td><td>${r.examples}</td><td>${r.instances} ${escapeHtml(r.kind)}</td><td>${r.longestPrompt} / ${r.promptLimit.tokens} (${r.promptLimit.by})</td><td>${escapeHtml(counts)}${first}</td></tr>`;
    }),
  );
  if (!rows.length) return '';
  return `<h2>Data</h2>
<table><tr><th>stage</th><th>split</th><th>examples</th><th>instances</th><th>longest prompt / limit (tokens)</th><th>left out</th></tr>
${rows.join('\n')}
</table>`;
}
