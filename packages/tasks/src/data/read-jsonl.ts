import { readFile } from 'node:fs/promises';
import { SrlError, utf8Lines } from '@srl/core';
import type { RowIssues } from './row-issues';

/** A parsed row and where it came from (1-based line of a JSONL file, 1-based row of a Parquet file). */
export interface SourceRow {
  file: string;
  line: number;
  value: Record<string, unknown>;
}

/**
 * Reads a JSONL file: one JSON object per line; blank lines are ignored. A line that is not valid
 * JSON, or not an object, is reported to `issues` with its line number.
 */
export async function readJsonl(file: string, issues: RowIssues): Promise<SourceRow[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new SrlError('data', `cannot read JSONL file "${file}": ${(cause as Error).message}`, { cause });
  }
  const rows: SourceRow[] = [];
  const lines = utf8Lines(bytes);
  for (let i = 0; i < lines.length; i++) {
    const { text, problem } = lines[i];
    if (text === null) {
      issues.malformed(file, i + 1, problem!);
      continue;
    }
    const raw = text.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      issues.malformed(file, i + 1, `invalid JSON (${(cause as Error).message})`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.malformed(file, i + 1, `expected a JSON object, found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
      continue;
    }
    rows.push({ file, line: i + 1, value: value as Record<string, unknown> });
  }
  return rows;
}
