import type { Logger } from '@srl/core';
import { writeExperimentReport } from '../experiment-report/index';

/** `srl experiment-report <out>`: (re)writes report.html and results.md of an experiment folder. */
export async function experimentReportCommand(outDir: string, logger: Logger): Promise<number> {
  const { reportPath, resultsPath } = await writeExperimentReport(outDir);
  logger.log('info', `report: ${reportPath}`);
  logger.log('info', `results: ${resultsPath}`);
  return 0;
}
