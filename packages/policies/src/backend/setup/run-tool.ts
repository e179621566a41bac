import { spawn } from 'node:child_process';
import { SrlError } from '@srl/core';

export interface RunToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** What the command is for, named in the error when it fails (e.g. "download the TensorFlow wheel"). */
  purpose: string;
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs one external command (no shell) and resolves with its output; rejects with SrlError('runtime') naming
 * the purpose, the command line and the last lines of its error output when it cannot start or exits non-zero.
 */
export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const line = [command, ...args].join(' ');
    child.on('error', (error) => {
      reject(new SrlError('runtime', `cannot ${options.purpose}: "${command}" did not start (${error.message}); expected it on PATH`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-15).join('\n');
      reject(new SrlError('runtime', `cannot ${options.purpose}: \`${line}\` exited with ${signal ?? code}:\n${tail}`));
    });
  });
}

/** True when `command` starts and exits 0 with these arguments (used to probe for tools). */
export async function toolWorks(command: string, args: readonly string[]): Promise<boolean> {
  try {
    await runTool(command, args, { purpose: 'probe' });
    return true;
  } catch {
    return false;
  }
}
