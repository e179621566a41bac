import { SrlError } from '@srl/core';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { SourceRow } from './read-jsonl';

/**
 * Reads every row of a Parquet file (e.g. a Hugging Face hub export) as plain objects; `line` is
 * the 1-based row number. INT64 values (BigInt) within the safe range become numbers.
 */
export async function readParquet(file: string): Promise<SourceRow[]> {
  let objects: Record<string, unknown>[];
  try {
    const buffer = await asyncBufferFromFile(file);
    objects = await parquetReadObjects({ file: buffer, compressors });
  } catch (cause) {
    throw new SrlError('data', `cannot read Parquet file "${file}": ${(cause as Error).message}`, { cause });
  }
  return objects.map((value, i) => ({ file, line: i + 1, value: fromBigInts(value) }));
}

function fromBigInts(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(row)) {
    out[key] = typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  return out;
}
