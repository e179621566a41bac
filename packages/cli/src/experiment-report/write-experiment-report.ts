import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildExperimentReport } from './build-experiment-report';
import { readExperiment } from './read-experiment';
import { resultsMarkdown } from './results-markdown';
import { resultsTable } from './results-table';

/**
 * Writes `<out>/report.html` and `<out>/results.md` for an experiment folder written by `srl experiment`,
 * complete or not (missing arms and seeds are shown as missing, the status as recorded).
 */
export async function writeExperimentReport(outDir: string): Promise<{ reportPath: string; resultsPath: string }> {
  const exp = readExperiment(outDir);
  const table = resultsTable(exp);
  const resultsPath = path.join(exp.dir, 'results.md');
  const reportPath = path.join(exp.dir, 'report.html');
  await writeFile(resultsPath, resultsMarkdown(exp, table));
  await writeFile(reportPath, await buildExperimentReport(exp, table));
  return { reportPath, resultsPath };
}
