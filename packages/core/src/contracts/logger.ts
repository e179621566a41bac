import type { ServiceIdentifier } from 'inversify';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Human-readable messages and machine-readable metrics. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /** One metrics record per training step (written as one JSONL line). */
  metrics(record: Record<string, unknown>): void;
  /** Progress of a long loop; shown as a bar on a TTY, as plain lines otherwise. */
  progress(update: { label: string; current: number; total: number; fields?: Record<string, number | string | null> }): void;
}
export const Logger: ServiceIdentifier<Logger> = Symbol.for('@srl/core/Logger');
