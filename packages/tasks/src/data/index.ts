/** Reading task data: the shared data folder, JSONL and Parquet rows, malformed-row accounting. */
export { resolveDataDir, DATA_DIR_ENV, type ResolveDataDirOptions } from './resolve-data-dir';
export { readJsonl, type SourceRow } from './read-jsonl';
export { readParquet } from './read-parquet';
export { readRows } from './read-rows';
export { RowIssues, type SkippedRow } from './row-issues';
