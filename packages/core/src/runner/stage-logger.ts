import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LogLevel, Logger } from '../contracts/logger';

/** Forwards messages and progress; appends metrics to the stage's metrics.jsonl (and forwards them). */
export class StageLogger implements Logger {
  constructor(
    private readonly base: Logger,
    readonly metricsFile: string,
  ) {}

  /** On resume: drop metric lines past the checkpoint's step, so the file reads as one uninterrupted run. */
  truncateAfter(step: number): void {
    if (!existsSync(this.metricsFile)) return;
    const kept = readFileSync(this.metricsFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        try {
          return (JSON.parse(line) as { step?: number }).step! <= step;
        } catch {
          return false;
        }
      });
    writeFileSync(this.metricsFile, kept.length ? `${kept.join('\n')}\n` : '');
  }

  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.base.log(level, message, fields);
  }

  metrics(record: Record<string, unknown>): void {
    appendFileSync(this.metricsFile, `${JSON.stringify(record)}\n`);
    this.base.metrics(record);
  }

  progress(update: Parameters<Logger['progress']>[0]): void {
    this.base.progress(update);
  }
}
