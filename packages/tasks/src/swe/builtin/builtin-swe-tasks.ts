import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TOOL_NAMES, SrlError } from '@srl/core';
import type { SweTask } from '../env/swe-environment';
import { loadTrajectories } from '../load-trajectories';
import type { SweTrajectory } from '../trajectory';

/** A task whose patch can be checked by running tests (SWE-bench's FAIL_TO_PASS / PASS_TO_PASS). */
export interface TestedSweTask extends SweTask {
  /** Folder copied over the patched work tree before the tests run (the tests the agent never saw). */
  testsDir?: string;
  /** Shell command that runs one test; `{test}` is replaced by the quoted test id. */
  testCommand: string;
  FAIL_TO_PASS: string[];
  PASS_TO_PASS: string[];
}

/** A built-in task (`packages/tasks/swe-builtin/<name>`), with its hand-written expert trajectory. */
export interface BuiltinSweTask extends TestedSweTask {
  name: string;
  language: string;
  trajectory: SweTrajectory;
}

/** The folder holding the built-in tasks, found from this module (sources or the built package). */
export function builtinSweDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(join(dir, 'swe-builtin'))) return join(dir, 'swe-builtin');
    dir = dirname(dir);
  }
  throw new SrlError(
    'runtime',
    `cannot find the built-in SWE tasks (a "swe-builtin" folder above ${fileURLToPath(import.meta.url)}); is @srl/tasks installed completely?`,
  );
}

/** Every built-in task, sorted by name; with `names`, only those (an unknown name is an error listing the known ones). */
export async function loadBuiltinSweTasks(names?: string[]): Promise<BuiltinSweTask[]> {
  const root = builtinSweDir();
  const all = (await readdir(root)).filter((n) => existsSync(join(root, n, 'task.json'))).sort();
  for (const name of names ?? []) {
    if (!all.includes(name)) throw new SrlError('usage', `unknown built-in SWE task "${name}"; expected one of: ${all.join(', ')}`);
  }
  const tasks: BuiltinSweTask[] = [];
  for (const name of names ?? all) {
    const dir = join(root, name);
    const spec = JSON.parse(await readFile(join(dir, 'task.json'), 'utf8')) as Omit<BuiltinSweTask, 'name' | 'repoDir' | 'trajectory'>;
    // Read and checked like any canonical trajectory file (an agent run's JSONL reads the same way).
    const [read] = (await loadTrajectories({ path: join(dir, 'trajectory.json'), format: 'canonical', toolNames: DEFAULT_TOOL_NAMES, strict: true }))
      .trajectories;
    const trajectory = read!.trajectory;
    tasks.push({
      ...spec,
      name,
      repoDir: join(dir, 'repo'),
      testsDir: existsSync(join(dir, 'tests')) ? join(dir, 'tests') : undefined,
      trajectory,
    });
  }
  return tasks;
}
