import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isSrlError, SrlError } from '@srl/core';
import { ConsoleLogger, type LogFormat } from './console-logger';
import { pluginsCommand } from './commands/plugins-command';
import { rewardCommand } from './commands/reward-command';
import { trainCommand, type TrainCommandOptions } from './commands/train-command';
import { evalCommand } from './commands/eval-command';
import { validateCommand } from './commands/validate-command';
import { reportCommand } from './commands/report-command';
import { experimentReportCommand } from './commands/experiment-report-command';
import { cliVersion } from './version';
import { initCommand } from './commands/init-command';
import { schemaCommand } from './commands/schema-command';
import { dataInstancesCommand, type DataInstancesOptions } from './commands/data-instances-command';
import { exportCommand, EXPORT_FORMATS, type ExportOptions } from './commands/export-command';
import { serveRewardCommand, type ServeRewardOptions } from './commands/serve-reward-command';
import { generateCommand, type GenerateCommandOptions } from './commands/generate-command';
import { servePolicyCommand, type ServePolicyOptions } from './commands/serve-policy-command';
import { dataRewriteCommand, type DataRewriteOptions } from './commands/data-rewrite-command';
import { sweCommands } from './commands/swe-commands';
import { setupCommands } from './commands/setup-command';
import { doctorCommand } from './commands/doctor-command';
import { experimentCommand, type ExperimentCommandOptions } from './commands/experiment-command';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new SrlError('usage', `${flag} must be a positive integer, found "${value}"`);
    return n;
  };
}

function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new SrlError('usage', `${flag} must be an integer >= 0, found "${value}"`);
    return n;
  };
}

function finite(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new SrlError('usage', `${flag} must be a number, found "${value}"`);
    return n;
  };
}

/** Builds the `srl` program. Actions store their exit code in `result.code`. */
export function buildProgram(result: { code: number }): Command {
  const program = new Command('srl')
    .description('Supervised Reinforcement Learning: train language models from expert trajectories, step by step')
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['text', 'json']).default('text'))
    .option('--verbose', 'debug messages')
    .version(cliVersion(), '--version', 'print the version of srl')
    .exitOverride()
    .showHelpAfterError();
  const logger = (): ConsoleLogger => {
    const o = program.opts<{ logFormat: LogFormat; verbose?: boolean }>();
    return new ConsoleLogger({ format: o.logFormat, verbose: o.verbose });
  };
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      result.code = await fn(...args);
    };

  program
    .command('validate')
    .description("validate a recipe: structure, plugin names and every plugin's options (exit 2 with all errors)")
    .argument('<recipe>', 'recipe file (.json, .yaml)')
    .option('--set <path=value>', 'override a recipe value, e.g. stages[1].options.lr=1e-4 (YAML value; repeatable)', collect)
    .action(run((file: string, opts: { set?: string[] }) => validateCommand(file, process.stdout, opts.set ?? [])));

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
    .description("run a recipe's stages (SFT, SRL, RLVR, ...)")
    .argument('<recipe>', 'recipe file')
    .option('--out <dir>', "run folder (default: the recipe's output, or runs/<name>)")
    .option('--max-steps <n>', 'stop each stage after n optimizer steps', positiveInt('--max-steps'))
    .option('--resume', 'continue from the latest checkpoint in the run folder')
    .option('--allow-recipe-change', 'with --resume: accept changes to stages not yet complete (recorded in run.json)')
    .option('--backend <name>', 'tensor backend: tensorflow, wasm or cpu (default: best available)')
    .option('--set <path=value>', 'override a recipe value, e.g. stages[1].options.lr=1e-4 (YAML value; repeatable)', collect)
    .option('--keep-checkpoints <n>', 'step checkpoints kept per stage besides best and final (default 2)', positiveInt('--keep-checkpoints'))
    .action(run((file: string, opts: TrainCommandOptions) => trainCommand(file, opts, logger())));

  program
    .command('experiment')
    .description('run an experiment file: a base recipe, then arms x seeds from its checkpoint, evaluated along the budget (resumable: rerun to continue)')
    .argument('<file>', 'experiment file, e.g. examples/srl-vs-rlvr/experiment.yaml')
    .option('--out <dir>', 'experiment folder (default: runs/<folder of the file>)')
    .option('--smoke', 'one seed, a few steps per stage, a tiny evaluation')
    .option('--workers <n>', "runs in parallel (default: the file's workers)", positiveInt('--workers'))
    .action(run((file: string, opts: ExperimentCommandOptions) => experimentCommand(file, opts, logger())));

  program
    .command('eval')
    .description("evaluate a policy on the recipe's eval benchmarks (greedy accuracy, avg@k, pass@k)")
    .argument('<recipe>', 'recipe file')
    .option('--out <dir>', 'where results are written (default: <run>/eval)')
    .option('--checkpoint <dir>', "evaluate this checkpoint instead of the recipe's policy")
    .option('--limit <n>', 'only the first n problems of each benchmark', positiveInt('--limit'))
    .option('--backend <name>', 'tensor backend: tensorflow, wasm or cpu')
    .option('--set <path=value>', 'override a recipe value, e.g. eval.samples=8 (YAML value; repeatable)', collect)
    .action(
      run((file: string, opts: { out?: string; checkpoint?: string; limit?: number; backend?: string; set?: string[] }) => evalCommand(file, opts, logger())),
    );

  program
    .command('init')
    .description('write a starter recipe (recipe.yaml), or with --plugin NAME a reward plugin package with its conformance test')
    .argument('[dir]', 'target folder (default: . for a recipe, srl-plugin-NAME for a plugin)')
    .option('--plugin <name>', 'write the plugin package srl-plugin-<name>')
    .action(run((dir: string | undefined, opts: { plugin?: string }) => initCommand(dir, opts)));

  program
    .command('schema')
    .description("print the recipe JSON Schema for editors: every registered plugin's name and options (point $schema at it)")
    .option('--out <file>', 'write it to this file instead of stdout')
    .option('--builtin', 'only the built-in @srl plugins (the file shipped in @srl/core)')
    .option('--plugin <package>', 'also load this plugin package (repeatable)', collect)
    .action(run((opts: { out?: string; builtin?: boolean; plugin?: string[] }) => schemaCommand(opts)));

  program
    .command('report')
    .description('write a self-contained HTML report of a run: reward, filter rate, validation charts and sample rollouts')
    .argument('<run-dir>', 'run folder written by srl train')
    .option('--out <file>', 'HTML file (default: <run-dir>/report.html)')
    .action(run((dir: string, opts: { out?: string }) => reportCommand(dir, opts, logger())));

  program
    .command('experiment-report')
    .description('(re)write report.html and results.md of an experiment folder written by srl experiment (partial ones too)')
    .argument('<out>', 'experiment folder')
    .action(run((dir: string) => experimentReportCommand(dir, logger())));

  const data = program.command('data').description("datasets in and out: a stage's instances, rewritten expert solutions");
  data
    .command('instances')
    .description("print a stage's training instances as the trainer loads them, one JSON line {id, messages, reference, metadata} each")
    .argument('<recipe>', 'recipe file')
    .option('--stage <n>', 'stage index (default 0)', nonNegativeInt('--stage'))
    .addOption(new Option('--kind <kind>', "instance kind instead of the trainer's").choices(['srl', 'sft', 'rlvr']))
    .option('--split <name>', "task split instead of the trainer's")
    .option('--limit <n>', 'print only the first n instances', positiveInt('--limit'))
    .option('--backend <name>', "tensor backend of the recipe's policy (its tokenizer filters long prompts)")
    .action(run((file: string, opts: DataInstancesOptions) => dataInstancesCommand(file, opts, logger())));

  program
    .command('export')
    .description("write a stage's training instances as a verl (Parquet), TRL or OpenRLHF (JSONL) dataset")
    .argument('<recipe>', 'recipe file')
    .addOption(new Option('--format <format>', 'dataset layout').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <file>', 'output file (.parquet for verl, .jsonl otherwise)')
    .option('--stage <n>', 'stage index (default 0)', nonNegativeInt('--stage'))
    .option('--split <name>', "task split instead of the trainer's")
    .option('--ability <name>', 'verl "ability" column (default: the task name\'s area, e.g. math)')
    .option('--backend <name>', "tensor backend of the recipe's policy")
    .action(run((file: string, opts: ExportOptions) => exportCommand(file, opts, logger())));

  const serve = program.command('serve').description('HTTP servers for other engines');
  serve
    .command('reward')
    .description("serve a reward plugin or a recipe stage's weighted rewards over HTTP: OpenRLHF (POST /, /reward), srl rows (POST /score), GET /health")
    .argument('<name-or-recipe>', 'reward plugin name (e.g. step-similarity) or recipe file')
    .option('--options <json>', 'plugin options as a JSON object (with a plugin name)')
    .option('--stage <n>', 'recipe stage whose rewards to serve (default: the first with rewards)', nonNegativeInt('--stage'))
    .option('--port <n>', 'port (default 8000; 0 picks a free one)', nonNegativeInt('--port'))
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--max-body-bytes <n>', 'larger request bodies get a 413 (default 33554432)', positiveInt('--max-body-bytes'))
    .option('--strip <token>', 'trailing token removed from OpenRLHF responses (repeatable; replaces the default list)', collect)
    .option('--workers <n>', 'server processes sharing the port, one reward model each (default 1)', positiveInt('--workers'))
    .option('--plugin <package>', 'also load this plugin package (repeatable)', collect)
    .action(run((target: string, opts: ServeRewardOptions) => serveRewardCommand(target, opts, logger())));

  program
    .command('generate')
    .description("sample from a checkpoint folder or a recipe's policy (greedy at --temperature 0)")
    .argument('<checkpoint-dir|recipe>', 'checkpoint folder (config.json, model.safetensors, tokenizer) or recipe file')
    .requiredOption('--prompt <text>', 'the prompt')
    .option('--chat', 'send the prompt as a user turn through the chat template')
    .option('--max-tokens <n>', 'new tokens per sample', positiveInt('--max-tokens'), 128)
    .option('--temperature <t>', 'sampling temperature; 0 is greedy', finite('--temperature'), 1)
    .option('--top-p <p>', 'nucleus sampling mass', finite('--top-p'), 1)
    .option('--seed <s>', 'sampling seed', finite('--seed'))
    .option('--n <n>', 'samples', positiveInt('--n'), 1)
    .option('--json', 'one JSON line per sample: text, token ids, logprobs, finish reason')
    .option('--backend <name>', 'tensor backend: tensorflow, wasm or cpu')
    .action(run((target: string, opts: GenerateCommandOptions) => generateCommand(target, opts, logger())));

  serve
    .command('policy')
    .description('an OpenAI-compatible server (/v1/models, /v1/completions, /v1/chat/completions, /health) over a checkpoint')
    .argument('<checkpoint-dir>', 'checkpoint folder')
    .option('--port <p>', 'port (0: any free port)', finite('--port'), 8000)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--model-name <name>', 'model id to serve (default: the folder name)')
    .option('--max-tokens <n>', 'largest max_tokens a request may ask for', positiveInt('--max-tokens'), 2048)
    .option('--max-n <n>', 'largest n a request may ask for', positiveInt('--max-n'), 16)
    .option('--max-body-bytes <n>', 'largest request body', positiveInt('--max-body-bytes'), 1_048_576)
    .option('--max-queue <n>', 'requests waiting at most (then 429)', positiveInt('--max-queue'), 256)
    .option('--backend <name>', 'tensor backend: tensorflow, wasm or cpu')
    .action(run((dir: string, opts: ServePolicyOptions) => servePolicyCommand(dir, opts, logger())));

  data
    .command('rewrite')
    .description('rewrite expert solutions into the numbered "SOLUTION:\\n1. **Title** action" template with a model (SRL App. B.3); resumable')
    .argument('<input.jsonl>', 'rows with an id, a problem and a solution')
    .requiredOption('--policy <ref>', 'policy plugin: a name or JSON ["openai-compatible", {"baseURL": ..., "model": ...}]')
    .requiredOption('--out <file>', 'kept rows (append-only); dropped ones go to <out>.rejected.jsonl')
    .option('--id-field <name>', 'row id field (default: the line number)', 'id')
    .option('--problem-field <name>', 'problem field', 'problem')
    .option('--solution-field <name>', 'expert solution field', 'solution')
    .option('--concurrency <n>', 'rows in flight at once', positiveInt('--concurrency'), 8)
    .option('--max-tokens <n>', 'reply tokens at most', positiveInt('--max-tokens'), 4096)
    .option('--temperature <t>', 'sampling temperature', finite('--temperature'), 0)
    .option('--limit <n>', 'only the first n rows', positiveInt('--limit'))
    .action(run((input: string, opts: DataRewriteOptions) => dataRewriteCommand(input, opts, logger())));
  sweCommands(program, run);
  setupCommands(program, run, logger);
  program
    .command('doctor')
    .description('list the tensor backends: available here or why not, and how to get each')
    .option('--json', 'machine-readable output')
    .action(run((opts: { json?: boolean }) => doctorCommand(opts)));

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
