import { readJsonl, type SourceRow } from './read-jsonl';
import { readParquet } from './read-parquet';
import type { RowIssues } from './row-issues';

/** Reads a `.parquet` file with hyparquet, anything else as JSONL. */
export function readRows(file: string, issues: RowIssues): Promise<SourceRow[]> {
  return /\.parquet$/i.test(file) ? readParquet(file) : readJsonl(file, issues);
}
