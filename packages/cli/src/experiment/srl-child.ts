import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SrlError } from '@srl/core';

/** How to start the `srl` CLI as a child: node plus the arguments before the command's own. */
export interface SrlCommand {
  node: string;
  prefix: string[];
}

/**
 * The command line of this very `srl`: from sources (tsx, `source` condition) when this module is
 * TypeScript, else the built `bin.js` next to the bundle.
 */
export function srlCommand(): SrlCommand {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const bin = path.resolve(path.dirname(here), '..', 'bin.ts');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { node: process.execPath, prefix: ['--import', pathToFileURL(tsx).href, '--conditions=source', bin] };
  }
  const bin = path.join(path.dirname(here), 'bin.js');
  if (!existsSync(bin)) throw new SrlError('runtime', `srl experiment: cannot find the srl CLI at ${bin} to start its runs; rebuild @srl/cli (pnpm build)`);
  return { node: process.execPath, prefix: [bin] };
}

export interface ChildResult {
  code: number;
  /** Set when a signal ended it. */
  signal: NodeJS.Signals | null;
  seconds: number;
}

const live = new Set<import('node:child_process').ChildProcess>();
let exitHook = false;

/**
 * Runs `srl <args>` as a child process with stdout and stderr appended to `logFile`. A child of its
 * own is what gives the experiment crash safety: a run that dies leaves its folder resumable.
 * The child has its own process group, so a Ctrl-C reaches it once, through `signal`: aborting sends
 * it SIGTERM (it saves a checkpoint and exits 130). Children still running when this process exits get SIGTERM.
 */
export async function runSrlChild(input: { args: string[]; logFile: string; cwd: string; signal?: AbortSignal }): Promise<ChildResult> {
  const { node, prefix } = srlCommand();
  // A stop requested before this child started: it does not start (what exits 130 would have saved is already saved).
  if (input.signal?.aborted) return { code: 130, signal: null, seconds: 0 };
  const fd = openSync(input.logFile, 'a');
  const started = performance.now();
  try {
    const child = spawn(node, [...prefix, ...input.args], { cwd: input.cwd, stdio: ['ignore', fd, fd], env: process.env, detached: true });
    live.add(child);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const c of live) c.kill('SIGTERM');
      });
    }
    child.once('exit', () => live.delete(child));
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await new Promise<ChildResult>((resolve, reject) => {
        child.once('error', (error) => reject(new SrlError('runtime', `could not start srl ${input.args[0]}: ${error.message}`, { cause: error })));
        child.once('exit', (code, signal) => resolve({ code: code ?? 1, signal, seconds: (performance.now() - started) / 1000 }));
      });
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
    }
  } finally {
    closeSync(fd);
  }
}
