import { SrlError, type LoadResult } from '@srl/core';

export type SkippedRow = LoadResult['skipped'][number];

/**
 * Collects rows that a loader skips. Malformed rows (bad JSON, missing field, wrong type) throw
 * SrlError 'data' with `file:line` in strict mode and are skipped and counted otherwise; rows that
 * are well formed but filtered out (a solution that does not conform to the step format) are
 * always skipped and counted, never thrown.
 */
export class RowIssues {
  readonly skipped: SkippedRow[] = [];

  constructor(private readonly strict: boolean) {}

  /** A malformed row: throws in strict mode, else records it. */
  malformed(file: string, line: number, reason: string): void {
    if (this.strict) {
      throw new SrlError('data', `${file}:${line}: malformed row: ${reason} (strict mode; drop "strict" to skip and count such rows)`);
    }
    this.skipped.push({ file, line, reason });
  }

  /** A well-formed row that the task filters out (e.g. a non-conforming solution). Never throws. */
  dropped(file: string, line: number, reason: string): void {
    this.skipped.push({ file, line, reason });
  }
}
