import type { LoadOptions, LoadResult, StepDecomposer } from '@srl/core';
import { readRows } from '../../data/read-rows';
import { RowIssues } from '../../data/row-issues';
import { parseMathRow, type MathRow, type MathRowSpec } from './math-row-spec';
import { mathRowsToExamples } from './math-rows-to-examples';

export interface LoadMathFileInput {
  /** A JSONL or Parquet file. */
  file: string;
  spec: MathRowSpec;
  decomposer?: StepDecomposer;
  /** Prefix of generated ids (`<prefix><line>`) when the spec has no idField. */
  idPrefix: string;
  /** Keeps a subset of the checked rows before decomposition (s1K's held-out validation split). */
  select?: (rows: MathRow[]) => MathRow[];
  options?: LoadOptions;
}

/**
 * Loads a math data file: reads rows, checks fields (malformed rows: strict → SrlError 'data' with
 * file:line, default → skipped and counted), refuses duplicate ids, decomposes solutions.
 */
export async function loadMathFile(input: LoadMathFileInput): Promise<LoadResult> {
  const issues = new RowIssues(input.options?.strict ?? false);
  const seen = new Set<string>();
  const rows: MathRow[] = [];
  for (const source of await readRows(input.file, issues)) {
    const parsed = parseMathRow(source, input.spec, input.idPrefix);
    if (typeof parsed === 'string') {
      issues.malformed(source.file, source.line, parsed);
    } else if (seen.has(parsed.id)) {
      issues.malformed(source.file, source.line, `duplicate id "${parsed.id}" (field "${input.spec.idField}")`);
    } else {
      seen.add(parsed.id);
      rows.push(parsed);
    }
  }
  const examples = mathRowsToExamples({
    rows: input.select ? input.select(rows) : rows,
    decomposer: input.decomposer,
    issues,
    limit: input.options?.limit,
  });
  const skipped = [...issues.skipped].sort((a, b) => a.line - b.line);
  return { examples, skipped };
}
