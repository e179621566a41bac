import type { Command } from 'commander';
import type { Logger } from '@srl/core';
import { setupTensorflow } from '@srl/policies';

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

export interface SetupTensorflowCommandOptions {
  gpu?: boolean;
  wheel?: string;
  tfVersion?: string;
  dryRun?: boolean;
  project?: string;
}

/** `srl setup tensorflow`: builds the native backend from TensorFlow's pip wheel; prints what it did. */
export async function setupTensorflowCommand(
  opts: SetupTensorflowCommandOptions,
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const started = Date.now();
  const result = await setupTensorflow({
    gpu: opts.gpu,
    wheel: opts.wheel,
    tfVersion: opts.tfVersion,
    dryRun: opts.dryRun,
    projectRoot: opts.project,
    log: (m) => logger.log('info', m),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (opts.dryRun) {
    out.write(`${result.changed ? 'would run' : 'nothing to do; would verify'}:\n${result.steps.map((s) => `  - ${s}`).join('\n')}\n`);
    return 0;
  }
  const v = result.verification;
  const verified = v
    ? `verified: TensorFlow ${v.tensorflowVersion}, matMul ${JSON.stringify(v.matMul)}, gradient ${JSON.stringify(v.gradient)}${v.usingGpu ? `, on the GPU${v.gpuDevices.length ? ` (${v.gpuDevices.join('; ')})` : ''}` : opts.gpu ? ', but TensorFlow found no GPU: it runs on the CPU' : ''}`
    : '';
  if (!result.changed) out.write(`${result.packageName} is already set up (${result.cacheDir}); nothing to do. ${verified}\n`);
  else
    out.write(
      `${result.packageName} set up in ${seconds} s: ${result.steps.join('; ')}. ${verified}\nUse it with --backend tensorflow (or by default: select-backend prefers it).\n`,
    );
  return 0;
}

/** Registers `srl setup tensorflow`. */
export function setupCommands(program: Command, run: Run, logger: () => Logger): void {
  const setup = program.command('setup').description('install optional parts: the native TensorFlow backend');
  setup
    .command('tensorflow')
    .description("build @tensorflow/tfjs-node (or -gpu) against TensorFlow's pip wheel, without its libtensorflow download; idempotent")
    .option('--gpu', "CUDA build: the `tensorflow` wheel, NVIDIA's nvidia-* wheels and @tensorflow/tfjs-node-gpu")
    .option('--wheel <file>', 'use this TensorFlow wheel instead of downloading one with pip')
    .option('--tf-version <v>', 'TensorFlow version for pip, e.g. 2.21 or 2.21.0', '2.21.*')
    .option('--project <dir>', 'project whose node_modules receives it (default: the nearest above the current folder)')
    .option('--dry-run', 'print the steps it would run; change nothing')
    .action(run((opts: SetupTensorflowCommandOptions) => setupTensorflowCommand(opts, logger())));
}
