import { SrlError } from '@srl/core';
import { BubblewrapSandbox } from '../sandbox/bubblewrap-sandbox';
import type { SandboxLimits } from '../sandbox/sandbox-limits';
import type { TestedSweTask } from '../builtin/builtin-swe-tasks';

export interface TaskTestResult {
  /** Every FAIL_TO_PASS and PASS_TO_PASS test passed. */
  resolved: boolean;
  /** The patch applied cleanly (false: no test ran, resolved is false). */
  applied: boolean;
  /** Test id → passed. */
  tests: Record<string, boolean>;
  /** `git apply`'s output when the patch did not apply, else the failing tests' output (capped). */
  log: string;
}

const TESTS_INSIDE = '/srl/tests';

/**
 * SWE-bench's check in our sandbox: a fresh copy of the task's repository, the patch applied with
 * `git apply`, the task's hidden tests copied over it, then each FAIL_TO_PASS and PASS_TO_PASS test
 * run on its own with the task's test command.
 */
export async function runTaskTests(input: { task: TestedSweTask; patch: string; limits?: Partial<SandboxLimits>; unsafe?: boolean }): Promise<TaskTestResult> {
  const { task } = input;
  const sandbox = await BubblewrapSandbox.create({
    sourceDir: task.repoDir,
    readOnlyDirs: task.testsDir ? { [TESTS_INSIDE]: task.testsDir } : {},
    limits: input.limits,
    unsafe: input.unsafe,
  });
  try {
    if (input.patch.trim() !== '') {
      const apply = await sandbox.exec('git apply --whitespace=nowarn -', { stdin: input.patch });
      if (apply.exitCode !== 0) return { resolved: false, applied: false, tests: {}, log: apply.output };
    }
    if (task.testsDir) {
      const copy = await sandbox.exec(`cp -r ${TESTS_INSIDE}/. .`);
      if (copy.exitCode !== 0) throw new SrlError('runtime', `cannot copy the tests of ${task.instanceId} into the sandbox: ${copy.output}`);
    }
    const tests: Record<string, boolean> = {};
    let log = '';
    for (const id of [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]) {
      const run = await sandbox.exec(task.testCommand.split('{test}').join(shellQuote(id)));
      tests[id] = run.exitCode === 0;
      if (!tests[id]) log += `--- ${id} (exit ${String(run.exitCode)}${run.timedOut ? ', timed out' : ''})\n${run.output.slice(-4000)}\n`;
    }
    return { resolved: Object.values(tests).every(Boolean), applied: true, tests, log };
  } finally {
    await sandbox.close();
  }
}

function shellQuote(text: string): string {
  return `'${text.split("'").join(`'\\''`)}'`;
}
