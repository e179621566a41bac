import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@srl/core';
import { buildReport } from '../report/write-report';

/** `srl report <run-dir> [--out FILE]`: a self-contained HTML report of a run. */
export async function reportCommand(runDir: string, opts: { out?: string }, logger: Logger): Promise<number> {
  const html = await buildReport(runDir);
  const file = path.resolve(opts.out ?? path.join(runDir, 'report.html'));
  await writeFile(file, html);
  logger.log('info', `report: ${file}`);
  return 0;
}
