import { closeSync, constants, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LogLevel, Logger } from '../contracts/logger';
import { assertNotLink } from './safe-path';

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
    // Replaced by rename, never written through: a symbolic link in its place is replaced, not followed.
    const tmp = `${this.metricsFile}.tmp-${process.pid}`;
    writeFileSync(tmp, kept.length ? `${kept.join('\n')}\n` : '', { flag: 'w' });
    renameSync(tmp, this.metricsFile);
  }

  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.base.log(level, message, fields);
  }

  metrics(record: Record<string, unknown>): void {
    // O_NOFOLLOW: a symbolic link planted at metrics.jsonl makes this fail instead of writing to its target.
    let fd: number;
    try {
      fd = openSync(this.metricsFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') assertNotLink(this.metricsFile, path.dirname(this.metricsFile));
      throw error;
    }
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
    } finally {
      closeSync(fd);
    }
    this.base.metrics(record);
  }

  progress(update: Parameters<Logger['progress']>[0]): void {
    this.base.progress(update);
  }
}
