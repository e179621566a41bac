import type { Command } from 'commander';
import { sweCheckSandboxCommand } from './swe-check-sandbox-command';
import { sweExecCommand, type SweExecOptions } from './swe-exec-command';
import { sweReplayCommand } from './swe-replay-command';

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Registers `srl swe replay | exec | check-sandbox`. */
export function sweCommands(program: Command, run: Run): void {
  const swe = program.command('swe').description('SWE tasks: the sandbox, the built-in tasks and their expert trajectories');
  swe
    .command('replay')
    .description("replay each built-in task's expert trajectory in the sandbox, then run its tests (exit 0 when all are resolved)")
    .option('--task <name>', 'only this task (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--unsafe', 'run without the sandbox (no isolation)')
    .action(run((opts: { task?: string[]; unsafe?: boolean }) => sweReplayCommand(opts)));

  // --bash and --action keep their command-line order in one list.
  const actions: SweExecOptions['actions'] = [];
  swe
    .command('exec')
    .description('run actions in a fresh sandbox of a built-in task; prints each observation and exit status as JSON')
    .requiredOption('--task <name>', 'built-in task')
    .option('--bash <cmd>', 'a bash command (repeatable)', (v: string) => void actions.push({ kind: 'bash', text: v }))
    .option(
      '--action <xml>',
      'an XML tool call, e.g. <function=str_replace_editor>... (repeatable)',
      (v: string) => void actions.push({ kind: 'action', text: v }),
    )
    .option('--timeout-ms <n>', 'wall-clock limit per command', (v: string) => Number(v))
    .option('--unsafe', 'run without the sandbox (no isolation)')
    .action(run((opts: { task: string; timeoutMs?: number; unsafe?: boolean }) => sweExecCommand({ ...opts, actions })));

  swe
    .command('check-sandbox')
    .description('run hostile actions in the sandbox and report whether each was contained (exit 0 only when all were)')
    .action(run(() => sweCheckSandboxCommand()));
}
