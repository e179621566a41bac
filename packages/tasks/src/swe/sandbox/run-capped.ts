import { spawn } from 'node:child_process';
import { CappedOutput } from './capped-output';

export interface CommandResult {
  /** stdout and stderr interleaved as written, capped (head and tail kept, with a marker). */
  output: string;
  /** The command's exit status; null when it was killed. */
  exitCode: number | null;
  timedOut: boolean;
  /** More output than the cap was written (the observation shows head and tail). */
  truncated: boolean;
  /** Killed because it wrote more than `killAfterOutputBytes`. */
  outputLimitHit: boolean;
  /** Every byte the command wrote. */
  outputBytes: number;
}

export interface RunCappedInput {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  timeoutMs: number;
  outputBytes: number;
  killAfterOutputBytes: number;
}

/**
 * Runs `argv` in its own process group and kills the group (SIGKILL) at the time or output limit.
 * Under bubblewrap the group is the sandbox's outer process: killing it tears down the sandbox's
 * PID namespace, so nothing it started survives (background processes included).
 */
export function runCapped(input: RunCappedInput): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = input.argv;
    const child = spawn(file!, args, { cwd: input.cwd, env: input.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = new CappedOutput(input.outputBytes);
    let timedOut = false;
    let outputLimitHit = false;
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, input.timeoutMs);
    const onData = (chunk: Buffer): void => {
      out.push(chunk);
      if (out.total > input.killAfterOutputBytes && !outputLimitHit) {
        outputLimitHit = true;
        killGroup();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.on('error', () => {}); // a command that exits without reading its stdin
    child.stdin.end(input.stdin ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Whatever is left of the group (unsafe mode: background processes) would hold the pipes open.
    child.on('exit', killGroup);
    child.on('close', (code) => {
      clearTimeout(timer);
      const killed = timedOut || outputLimitHit;
      resolve({
        output: out.text(),
        exitCode: killed ? null : code,
        timedOut,
        truncated: out.truncated,
        outputLimitHit,
        outputBytes: out.total,
      });
    });
  });
}
