import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../contracts/clock';
import type { InstanceReport, StageResult } from '../contracts/trainer';
import { SrlError } from '../errors';
import type { Recipe } from '../recipe/recipe';
import { writeFileAtomic } from '../training/directory-checkpoint-store';
import { changedPaths, recordedRecipe, unsafeChanges } from './recipe-changes';
import { RunLock } from './run-lock';
import { resolveInside } from './safe-path';

export type RunStatus = 'running' | 'interrupted' | 'stopped' | 'complete' | 'failed';

/** What run.json says about a run. */
export interface RunRecord {
  recipe: string;
  status: RunStatus;
  stages: (StageResult & { name: string })[];
  updated: string;
  /** Set when status is "failed": what went wrong. */
  error?: string;
  /** Recipe changes accepted on resume with --allow-recipe-change. */
  recipeChanges?: { at: string; paths: string[] }[];
  /** Per stage, what loading each split gave and left out (malformed rows, over-long prompts). */
  data?: Record<string, InstanceReport[]>;
}

/**
 * A run folder: `run.json` (status), `recipe.json` (the recipe as run, defaults applied), `run.lock`
 * and `stages/<name>/`. Every path it hands out resolves inside the folder, through no symbolic
 * link; it holds the folder's exclusive lock from `open` to `close`.
 */
export class RunFolder {
  private record: RunRecord;

  /** Use {@link RunFolder.open}; public so that the class serves as its own DI token. */
  constructor(
    readonly root: string,
    private readonly lock: RunLock,
    previous: RunRecord | null,
    recipeName: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.record = {
      recipe: recipeName,
      status: 'running',
      stages: [],
      updated: this.timestamp(),
      ...(previous?.recipeChanges ? { recipeChanges: previous.recipeChanges } : {}),
      // A resumed run does not reload the data of stages already complete.
      ...(previous?.data ? { data: previous.data } : {}),
    };
  }

  private timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Opens (creating) the folder for a run of `recipe` and takes its lock. Without `resume`, a folder
   * that holds a run is refused, except a run that failed before writing any checkpoint, which
   * starts again. With `resume`, the recipe must equal the recorded one; `allowRecipeChange` accepts
   * changes to stages not yet complete and records them in run.json.
   */
  static async open(o: {
    root: string;
    recipe: Recipe;
    resume: boolean;
    allowRecipeChange?: boolean;
    log: (message: string) => void;
    clock?: Clock;
  }): Promise<RunFolder> {
    const root = path.resolve(o.root);
    await mkdir(root, { recursive: true });
    const lock = RunLock.acquire(resolveInside(root, 'run.lock'));
    try {
      const previous = readRunRecord(root);
      if (previous && !o.resume) {
        if (!(previous.status === 'failed' && !hasCheckpoints(root))) {
          const why = previous.status === 'failed' ? ` that failed (${previous.error ?? 'no reason recorded'})` : ` (status: ${previous.status})`;
          throw new SrlError(
            'usage',
            `run folder ${root} already holds a run${why}; pass --resume to continue it, or --out to start a new one (nothing was changed)`,
          );
        }
        o.log(`run folder ${root}: the earlier attempt failed before its first checkpoint (${previous.error ?? 'no reason recorded'}); starting again`);
      }
      const folder = new RunFolder(root, lock, o.resume ? previous : null, o.recipe.name, o.clock);
      await folder.recordRecipe(o.recipe, o.resume && previous !== null, o.allowRecipeChange ?? false);
      return folder;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** A path inside the run folder, checked (safe names, no links). */
  file(...segments: string[]): string {
    return resolveInside(this.root, ...segments);
  }

  /** The folder of a stage, created. */
  async stageDir(name: string): Promise<string> {
    const dir = this.file('stages', name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  get stages(): RunRecord['stages'] {
    return this.record.stages;
  }

  get data(): NonNullable<RunRecord['data']> {
    return this.record.data ?? {};
  }

  /** Records what loading a stage's split gave (replacing an earlier report of that split and kind) and writes run.json. */
  async recordInstances(stage: string, report: InstanceReport): Promise<void> {
    const kept = (this.record.data?.[stage] ?? []).filter((r) => r.split !== report.split || r.kind !== report.kind);
    this.record.data = { ...this.record.data, [stage]: [...kept, report] };
    await this.setStatus(this.record.status, this.record.error);
  }

  async setStatus(status: RunStatus, error?: string): Promise<void> {
    const { error: _old, ...rest } = this.record;
    this.record = { ...rest, status, updated: this.timestamp(), ...(error !== undefined ? { error } : {}) };
    await writeFileAtomic(this.file('run.json'), `${JSON.stringify(this.record, null, 2)}\n`);
  }

  close(): void {
    this.lock.release();
  }

  private async recordRecipe(recipe: Recipe, resuming: boolean, allowChange: boolean): Promise<void> {
    const recipeFile = this.file('recipe.json');
    const now = recordedRecipe(recipe);
    if (resuming && existsSync(recipeFile)) {
      const before = JSON.parse(readFileSync(recipeFile, 'utf8')) as Record<string, unknown>;
      const changed = changedPaths(before, now);
      if (changed.length) {
        const completed = completedStages(this.root, recipe);
        const unsafe = unsafeChanges(changed, completed);
        const list = changed.slice(0, 12).join(', ') + (changed.length > 12 ? `, ... (${changed.length} in all)` : '');
        if (!allowChange || unsafe.length) {
          const hint = allowChange
            ? `these cannot change in a run that has started: ${unsafe.slice(0, 12).join(', ')}; start a new run with --out`
            : 'resume with the recorded recipe (recipe.json in the run folder), start a new run with --out, or pass --allow-recipe-change for changes to stages not yet complete';
          throw new SrlError('validation', `the recipe differs from the one this run was started with (${recipeFile}) at: ${list}; ${hint}`);
        }
        this.record.recipeChanges = [...(this.record.recipeChanges ?? []), { at: this.timestamp(), paths: changed }];
      } else return;
    }
    await writeFileAtomic(recipeFile, `${JSON.stringify(now, null, 2)}\n`);
  }
}

/** Reads run.json; null when the folder holds no run. A damaged file is an error that says so. */
export function readRunRecord(root: string): RunRecord | null {
  const file = path.join(root, 'run.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch (cause) {
    throw new SrlError(
      'runtime',
      `${file} is not valid JSON (${(cause as Error).message}); the run folder is damaged: delete it or start a new run with --out`,
      { cause },
    );
  }
}

/** The folder of a stage: stages/<index>-<name>, so that folders sort in run order. */
export function stageFolderName(index: number, name: string): string {
  return /^\d+-/.test(name) ? name : `${index}-${name}`;
}

/** A stage ran its full length or reached its token budget (a stage cut by --max-steps is resumable to its full length). */
export function isStageComplete(result: StageResult): boolean {
  if (result.interrupted) return false;
  return result.stopReason === 'token-budget' || result.totalSteps === undefined || result.steps >= result.totalSteps;
}

/** How many leading stages of `recipe` have run their full length (or reached their token budget) in this folder. */
function completedStages(root: string, recipe: Recipe): number {
  let n = 0;
  for (const [i, stage] of recipe.stages.entries()) {
    const file = path.join(root, 'stages', stageFolderName(i, stage.name), 'result.json');
    if (!existsSync(file)) break;
    const result = JSON.parse(readFileSync(file, 'utf8')) as StageResult;
    if (!isStageComplete(result)) break;
    n++;
  }
  return n;
}

function hasCheckpoints(root: string): boolean {
  const stages = path.join(root, 'stages');
  if (!existsSync(stages)) return false;
  return readdirSync(stages).some((s) => existsSync(path.join(stages, s, 'checkpoints', 'latest.json')));
}
