import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointInfo, CheckpointStore, TrainerState } from '../contracts/checkpoint-store';
import { SrlError } from '../errors';

/** Writes a file atomically: temp file in the same folder, then rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, data, { flush: true });
  await rename(tmp, file);
}

/** Reads a JSON file of a checkpoint; a truncated or garbled one is an error that names it and the way out. */
async function readJsonFile<T>(file: string, what: string): Promise<T> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new SrlError(
      'runtime',
      `${what} ${file} is damaged (${text.length} bytes, not valid JSON: ${(cause as Error).message}); srl writes it atomically, so it was changed or truncated outside srl. ` +
        'Point latest.json at an earlier step-<n> folder that is intact, or restart the stage without --resume (or with a new --out)',
      { cause },
    );
  }
}

/**
 * Checkpoints under `root/step-<n>/` (policy files + trainer_state.json), published atomically:
 * written into a temp folder, renamed into place, then the `<tag>.json` pointer is replaced
 * atomically. A crash at any point leaves the previous pointer valid. Keeps the last `keepLast`
 * step folders plus whatever `best` and `final` point to.
 */
export class DirectoryCheckpointStore implements CheckpointStore {
  constructor(
    readonly root: string,
    private readonly keepLast = 2,
  ) {}

  async save(info: Omit<CheckpointInfo, 'dir'>, state: TrainerState, write: (dir: string) => Promise<void>): Promise<CheckpointInfo> {
    await mkdir(this.root, { recursive: true });
    const name = `step-${String(info.step).padStart(6, '0')}`;
    const dir = path.join(this.root, name);
    // A folder of this step is reused only if a pointer already publishes it (e.g. `best` at the
    // step just saved as `latest`); anything else is a leftover of a crashed run and is rewritten.
    if (!(await this.published()).has(name)) {
      await rm(dir, { recursive: true, force: true });
      const tmp = path.join(this.root, `.${name}.tmp-${process.pid}`);
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      await write(tmp);
      await writeFile(path.join(tmp, 'trainer_state.json'), `${JSON.stringify(state)}\n`, { flush: true });
      await rename(tmp, dir);
    }
    const published: CheckpointInfo = { ...info, dir };
    await writeFileAtomic(path.join(this.root, `${info.tag}.json`), `${JSON.stringify({ ...published, dir: name })}\n`);
    if (info.tag === 'latest') await this.prune();
    return published;
  }

  async latest(tag: CheckpointInfo['tag'] = 'latest'): Promise<{ info: CheckpointInfo; state: TrainerState } | null> {
    const pointer = path.join(this.root, `${tag}.json`);
    if (!existsSync(pointer)) return null;
    const raw = await readJsonFile<CheckpointInfo>(pointer, 'checkpoint pointer');
    if (typeof raw.dir !== 'string' || !/^step-\d+$/.test(raw.dir))
      throw new SrlError(
        'runtime',
        `checkpoint pointer ${pointer} names ${JSON.stringify(raw.dir)}, expected a step-<n> folder; the run folder is damaged (restart the stage without --resume, or start a new run with --out)`,
      );
    const dir = path.join(this.root, raw.dir);
    const stateFile = path.join(dir, 'trainer_state.json');
    if (!existsSync(stateFile))
      throw new SrlError('runtime', `checkpoint pointer ${pointer} names ${dir}, which has no trainer_state.json; the run folder is damaged`);
    const state = await readJsonFile<TrainerState>(stateFile, 'trainer state');
    if (typeof state.step !== 'number' || typeof state.data !== 'object' || state.data === null)
      throw new SrlError('runtime', `${stateFile}: expected { stage, step, data }, found ${JSON.stringify(state).slice(0, 80)}; the checkpoint is damaged`);
    return { info: { ...raw, dir }, state };
  }

  private async published(): Promise<Set<string>> {
    const names = new Set<string>();
    for (const tag of ['latest', 'best', 'final'] as const) {
      const p = path.join(this.root, `${tag}.json`);
      if (existsSync(p)) names.add((await readJsonFile<{ dir: string }>(p, 'checkpoint pointer')).dir);
    }
    return names;
  }

  private async prune(): Promise<void> {
    const keep = await this.published();
    const entries = await readdir(this.root);
    const steps = entries.filter((e) => /^step-\d+$/.test(e)).sort();
    for (const e of steps.slice(0, Math.max(0, steps.length - this.keepLast)))
      if (!keep.has(e)) await rm(path.join(this.root, e), { recursive: true, force: true });
    for (const e of entries) if (/^\.step-\d+\.tmp-/.test(e)) await rm(path.join(this.root, e), { recursive: true, force: true });
  }
}
