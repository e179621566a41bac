import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SrlError, type SweTrajectory } from '@srl/core';
import { readParquet } from '../data/read-parquet';
import { readJsonl } from '../data/read-jsonl';
import { RowIssues, type SkippedRow } from '../data/row-issues';
import { canonicalTrajectory } from './readers/canonical-trajectory';
import { openHandsTrajectory } from './readers/openhands-trajectory';
import { sweAgentTrajectory } from './readers/sweagent-trajectory';
import { sweSmithTrajectory } from './readers/swesmith-trajectory';
import type { RecordContext } from './readers/record-fields';

export type TrajectoryFormat = 'openhands' | 'sweagent' | 'swesmith' | 'canonical';

const READERS: Record<TrajectoryFormat, (record: Record<string, unknown>, ctx: RecordContext) => SweTrajectory> = {
  openhands: openHandsTrajectory,
  sweagent: sweAgentTrajectory,
  swesmith: sweSmithTrajectory,
  canonical: canonicalTrajectory,
};

/** File names each format reads from a folder. */
const EXTENSIONS: Record<TrajectoryFormat, RegExp> = {
  openhands: /\.(json|jsonl|parquet)$/i,
  sweagent: /\.traj$/i,
  swesmith: /\.(json|jsonl|parquet)$/i,
  canonical: /\.(json|jsonl)$/i,
};

export interface LoadTrajectoriesInput {
  /** A file, or a folder read recursively (files matching the format's extensions, in sorted order). */
  path: string;
  format: TrajectoryFormat;
  toolNames: Readonly<Record<string, string>>;
  /** Fail on the first malformed record instead of skipping and counting it. */
  strict?: boolean;
}

export interface LoadedTrajectories {
  trajectories: { trajectory: SweTrajectory; file: string; line: number }[];
  /** Malformed records, with file, line (1 for a whole-file JSON document) and the JSON path in `reason`. */
  skipped: SkippedRow[];
}

/**
 * Reads agent trajectories into the canonical form. A `.json`/`.traj` file holds one record (or an
 * array of them), a `.jsonl` one per line, a `.parquet` one per row (a `messages` column holding
 * JSON text is decoded). Malformed records throw in strict mode, else are skipped and counted.
 */
export async function loadTrajectories(input: LoadTrajectoriesInput): Promise<LoadedTrajectories> {
  const issues = new RowIssues(input.strict ?? false);
  const read = READERS[input.format];
  const out: LoadedTrajectories['trajectories'] = [];
  for (const file of await listFiles(input.path, EXTENSIONS[input.format])) {
    const base = path.basename(file).replace(/\.[^.]+$/, '');
    for (const row of await readRecords(file, issues)) {
      const fallbackId = row.many ? `${base}:${row.line}` : base;
      let record = row.value;
      if (typeof record.messages === 'string') {
        try {
          record = { ...record, messages: JSON.parse(record.messages) };
        } catch (cause) {
          issues.malformed(file, row.line, `messages: a string that is not JSON (${(cause as Error).message})`);
          continue;
        }
      }
      try {
        out.push({ trajectory: read(record, { fallbackId, toolNames: input.toolNames }), file, line: row.line });
      } catch (error) {
        if ((error as SrlError).kind !== 'data') throw error;
        issues.malformed(file, row.line, (error as Error).message);
      }
    }
  }
  return { trajectories: out, skipped: issues.skipped };
}

async function listFiles(target: string, pattern: RegExp): Promise<string[]> {
  let info: Stats;
  try {
    info = await stat(target);
  } catch {
    throw new SrlError('data', `trajectory path "${target}" does not exist; set the task option "path" to a trajectory file or a folder of them`);
  }
  if (!info.isDirectory()) return [target];
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (pattern.test(entry.name)) files.push(full);
    }
  };
  await walk(target);
  if (!files.length) throw new SrlError('data', `no trajectory files (${pattern.source}) in folder "${target}"`);
  return files;
}

async function readRecords(file: string, issues: RowIssues): Promise<{ line: number; value: Record<string, unknown>; many: boolean }[]> {
  if (/\.parquet$/i.test(file)) return (await readParquet(file)).map((r) => ({ ...r, many: true }));
  if (/\.jsonl$/i.test(file)) return (await readJsonl(file, issues)).map((r) => ({ ...r, many: true }));
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    issues.malformed(file, 1, `not a JSON document, e.g. a truncated file (${(cause as Error).message})`);
    return [];
  }
  const records = Array.isArray(value) ? value : [value];
  return records.flatMap((record, i) => {
    if (typeof record === 'object' && record !== null && !Array.isArray(record))
      return [{ line: Array.isArray(value) ? i + 1 : 1, value: record as Record<string, unknown>, many: Array.isArray(value) }];
    issues.malformed(file, i + 1, `expected a JSON object, found ${JSON.stringify(record)?.slice(0, 40)}`);
    return [];
  });
}
