import type { InstanceReport } from '@srl/core';

/** What each stage's data loading left out, one line per split that left anything out (run.json `data`). */
export function skippedLines(data: Record<string, InstanceReport[]>): string[] {
  return Object.entries(data).flatMap(([stage, reports]) =>
    reports
      .filter((r) => Object.keys(r.skipped).length > 0)
      .map((r) => {
        const counts = Object.entries(r.skipped)
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', ');
        return `stage ${stage} ${r.split}: left out ${counts} (kept ${r.instances} ${r.kind} instances of ${r.examples} examples; first: ${r.skippedFirst.join('; ')})`;
      }),
  );
}
