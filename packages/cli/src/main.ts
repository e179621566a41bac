import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isSrlError, SrlError } from '@srl/core';
import { ConsoleLogger, type LogFormat } from './console-logger';
import { pluginsCommand } from './commands/plugins-command';
import { rewardCommand } from './commands/reward-command';
import { trainCommand } from './commands/train-command';
import { evalCommand } from './commands/eval-command';
import { validateCommand } from './commands/validate-command';
import { reportCommand } from './commands/report-command';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new SrlError('usage', `${flag} must be a positive integer, found "${value}"`);
    return n;
  };
}

/** Builds the `srl` program. Actions store their exit code in `result.code`. */
export function buildProgram(result: { code: number }): Command {
  const program = new Command('srl')
    .description('Supervised Reinforcement Learning: train language models from expert trajectories, step by step')
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['text', 'json']).default('text'))
    .option('--verbose', 'debug messages')
    .exitOverride()
    .showHelpAfterError();
  const logger = (): ConsoleLogger => {
    const o = program.opts<{ logFormat: LogFormat; verbose?: boolean }>();
    return new ConsoleLogger({ format: o.logFormat, verbose: o.verbose });
  };
  const run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => async (...args: A): Promise<void> => {
    result.code = await fn(...args);
  };

  program
    .command('validate')
    .description('validate a recipe: structure, plugin names and every plugin\'s options (exit 2 with all errors)')
    .argument('<recipe>', 'recipe file (.json, .yaml)')
    .action(run((file: string) => validateCommand(file)));

  program
    .command('plugins')
    .description('list registered plugins with their package and options')
    .option('--kind <kind>', 'only this kind (policy, reward, task, trainer, environment, decomposer)')
    .option('--json', 'machine-readable output')
    .option('--plugin <package>', 'also load this plugin package (repeatable)', collect)
    .action(run((opts: { kind?: string; json?: boolean; plugin?: string[] }) => pluginsCommand(opts)));

  program
    .command('reward')
    .description('score rows {"completion", "reference", ...metadata} with a reward plugin; prints one JSON line per row')
    .argument('<name>', 'reward plugin name, e.g. step-similarity')
    .requiredOption('--input <rows.jsonl>', 'JSONL rows (- for standard input)')
    .option('--options <json>', 'plugin options as a JSON object')
    .option('--plugin <package>', 'also load this plugin package (repeatable)', collect)
    .action(run((name: string, opts: { input: string; options?: string; plugin?: string[] }) => rewardCommand(name, opts, logger())));

  program
    .command('train')
    .description('run a recipe\'s stages (SFT, SRL, RLVR, ...)')
    .argument('<recipe>', 'recipe file')
    .option('--out <dir>', 'run folder (default: the recipe\'s output, or runs/<name>)')
    .option('--max-steps <n>', 'stop each stage after n optimizer steps', positiveInt('--max-steps'))
    .option('--resume', 'continue from the latest checkpoint in the run folder')
    .option('--allow-recipe-change', 'with --resume: accept changes to stages not yet complete (recorded in run.json)')
    .option('--backend <name>', 'tensor backend: tensorflow, wasm or cpu (default: best available)')
    .action(run((file: string, opts: { out?: string; maxSteps?: number; resume?: boolean; allowRecipeChange?: boolean; backend?: string }) => trainCommand(file, opts, logger())));

  program
    .command('eval')
    .description('evaluate a policy on the recipe\'s eval benchmarks (greedy accuracy, avg@k, pass@k)')
    .argument('<recipe>', 'recipe file')
    .option('--out <dir>', 'where results are written (default: <run>/eval)')
    .option('--checkpoint <dir>', 'evaluate this checkpoint instead of the recipe\'s policy')
    .option('--limit <n>', 'only the first n problems of each benchmark', positiveInt('--limit'))
    .option('--backend <name>', 'tensor backend: tensorflow, wasm or cpu')
    .action(run((file: string, opts: { out?: string; checkpoint?: string; limit?: number; backend?: string }) => evalCommand(file, opts, logger())));

  program
    .command('report')
    .description('write a self-contained HTML report of a run: reward, filter rate, validation charts and sample rollouts')
    .argument('<run-dir>', 'run folder written by srl train')
    .option('--out <file>', 'HTML file (default: <run-dir>/report.html)')
    .action(run((dir: string, opts: { out?: string }) => reportCommand(dir, opts, logger())));

  return program;
}

/** Runs the CLI; returns the exit code (2: usage or validation, 1: runtime). */
export async function main(argv: string[], stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const result = { code: 0 };
  const program = buildProgram(result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : ExitCode.usage;
    }
    if (isSrlError(error)) {
      stderr.write(`srl: ${error.message}\n`);
      return error.exitCode;
    }
    stderr.write(`srl: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.runtime;
  }
}
