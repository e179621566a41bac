import { appendFileSync } from 'node:fs';
import type { LogLevel, Logger } from '@srl/core';
import { renderProgress } from './progress-bar';

export type LogFormat = 'text' | 'json';

export interface ConsoleLoggerOptions {
  format: LogFormat;
  /** Where messages and progress go (stderr: stdout stays for results). */
  stream?: NodeJS.WriteStream;
  /** Metrics JSONL file; one line per `metrics()` call. */
  metricsFile?: string;
  verbose?: boolean;
}

/**
 * Messages and progress on stderr: a redrawn bar on a TTY, plain lines otherwise (at most one per
 * 5 s per label), or JSON lines with `--log-format json`. Metrics go to a JSONL file.
 */
export class ConsoleLogger implements Logger {
  private readonly stream: NodeJS.WriteStream;
  private readonly started = new Map<string, number>();
  private readonly lastPlain = new Map<string, number>();
  private barShown = false;

  constructor(private readonly options: ConsoleLoggerOptions) {
    this.stream = options.stream ?? process.stderr;
  }

  private get tty(): boolean {
    return this.options.format === 'text' && this.stream.isTTY === true;
  }

  private clearBar(): void {
    if (this.barShown) {
      this.stream.write('\r\x1b[K');
      this.barShown = false;
    }
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (level === 'debug' && !this.options.verbose) return;
    if (this.options.format === 'json') {
      this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
      return;
    }
    this.clearBar();
    const extra = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    this.stream.write(`${level === 'info' ? '' : `${level}: `}${message}${extra}\n`);
  }

  metrics(record: Record<string, unknown>): void {
    if (this.options.metricsFile) appendFileSync(this.options.metricsFile, `${JSON.stringify(record)}\n`);
    if (this.options.format === 'json') this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), type: 'metrics', ...record })}\n`);
  }

  progress(update: { label: string; current: number; total: number; fields?: Record<string, number | string | null> }): void {
    const now = Date.now();
    if (!this.started.has(update.label) || update.current === 0) this.started.set(update.label, now);
    const elapsedSeconds = (now - this.started.get(update.label)!) / 1000;
    if (this.options.format === 'json') {
      this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), type: 'progress', ...update })}\n`);
      return;
    }
    const line = renderProgress({ ...update, elapsedSeconds });
    if (this.tty) {
      this.stream.write(`\r\x1b[K${line}`);
      this.barShown = true;
      if (update.current >= update.total) this.clearBar();
      return;
    }
    const last = this.lastPlain.get(update.label) ?? 0;
    if (now - last >= 5000 || update.current >= update.total || update.current <= 1) {
      this.lastPlain.set(update.label, now);
      this.stream.write(`${line}\n`);
    }
  }
}
