import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SweTrajectory } from '../trajectory';

/** Writes trajectories as JSONL in the canonical form (one per line), which the `swe/trajectories` task reads back. */
export async function writeTrajectories(file: string, trajectories: SweTrajectory[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, trajectories.map((t) => JSON.stringify(t)).join('\n') + (trajectories.length ? '\n' : ''));
}
