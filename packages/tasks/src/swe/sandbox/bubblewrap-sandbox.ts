import { chmod, cp, mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SrlError, type Logger } from '@srl/core';
import { checkBubblewrap, findOnHost } from './check-bubblewrap';
import { chownTree } from './chown-tree';
import { runCapped, type CommandResult } from './run-capped';

import { systemMounts } from './system-mounts';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox-limits';

/** Where a Node installed outside /usr is mounted inside the sandbox (read-only). */
const NODE_INSIDE = '/tmp/.srl-node';

/** Where the work tree appears inside the sandbox (SWE-bench's convention). */
export const SANDBOX_ROOT = '/testbed';
/** Host user the sandbox runs as when srl runs as root: RLIMIT_NPROC does not apply to root. */
const NOBODY = 65534;

export interface BubblewrapSandboxOptions {
  /** Repository copied into the throwaway work tree; omit for an empty one. */
  sourceDir?: string;
  /** Folders copied beside the work tree and shown read-only inside, keyed by their path inside (e.g. `/srl/tests`). */
  readOnlyDirs?: Record<string, string>;
  limits?: Partial<SandboxLimits>;
  /** Run commands on the host without a sandbox (no isolation at all); every command logs a warning. */
  unsafe?: boolean;
  logger?: Logger;
}

export interface ExecOptions {
  stdin?: string;
  /** Overrides of this sandbox's limits for one command (e.g. a bigger output cap for `git diff`). */
  limits?: Partial<Pick<SandboxLimits, 'timeoutMs' | 'outputBytes' | 'killAfterOutputBytes'>>;
}

/**
 * A throwaway copy of a repository in which commands run under bubblewrap: new user, PID, network,
 * IPC, UTS and cgroup namespaces (no network at all), read-only system folders, a private /tmp, the
 * work tree as the only writable place, and per-command limits (time, output, processes, memory,
 * file size). Each command gets a fresh PID namespace, so it and everything it started are killed
 * when it ends. `close()` deletes the work tree; the caller owns the sandbox and must close it.
 */
export class BubblewrapSandbox {
  private closed = false;

  private constructor(
    /** Host folder holding the work tree and the read-only folders; deleted by `close()`. */
    private readonly scratch: string,
    /** The work tree on the host (read it only after commands end; it may hold hostile symlinks). */
    readonly hostDir: string,
    private readonly mounts: { host: string; inside: string }[],
    readonly limits: SandboxLimits,
    readonly unsafe: boolean,
    private readonly runAs: number | null,
    private readonly logger: Logger | undefined,
  ) {}

  /** The work tree's path as commands see it. */
  get root(): string {
    return this.unsafe ? this.hostDir : SANDBOX_ROOT;
  }

  static async create(options: BubblewrapSandboxOptions = {}): Promise<BubblewrapSandbox> {
    const unsafe = options.unsafe === true;
    if (!unsafe) await checkBubblewrap();
    const limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    const scratch = await mkdtemp(join(tmpdir(), 'srl-swe-'));
    try {
      await chmod(scratch, 0o711);
      const hostDir = join(scratch, 'testbed');
      if (options.sourceDir) await cp(options.sourceDir, hostDir, { recursive: true, verbatimSymlinks: true });
      else await mkdir(hostDir);
      const mounts: { host: string; inside: string }[] = [];
      for (const [inside, source] of Object.entries(options.readOnlyDirs ?? {})) {
        const host = join(scratch, `ro-${mounts.length}`);
        await cp(source, host, { recursive: true, verbatimSymlinks: true });
        mounts.push({ host, inside });
      }
      const runAs = !unsafe && process.getuid?.() === 0 ? NOBODY : null;
      if (runAs !== null) await chownTree(scratch, runAs);
      return new BubblewrapSandbox(scratch, hostDir, mounts, limits, unsafe, runAs, options.logger);
    } catch (error) {
      await rm(scratch, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs `command` with bash in the work tree. Never throws for a failing command: see `exitCode`. */
  async exec(command: string, options: ExecOptions = {}): Promise<CommandResult> {
    return this.execArgv(['/bin/bash', '-c', command], options);
  }

  /** Runs a program (absolute path inside the sandbox) with arguments, without a shell. */
  async execArgv(argv: string[], options: ExecOptions = {}): Promise<CommandResult> {
    if (this.closed) throw new SrlError('sandbox', 'this sandbox is closed; create a new one (BubblewrapSandbox.create)');
    const limits = { ...this.limits, ...options.limits };
    const common = { stdin: options.stdin, timeoutMs: limits.timeoutMs, outputBytes: limits.outputBytes, killAfterOutputBytes: limits.killAfterOutputBytes };
    if (this.unsafe) {
      this.logger?.log('warn', `UNSAFE: running without a sandbox (unsafe: true): ${argv.join(' ').slice(0, 200)}`);
      // The host path stands in for /testbed, so actions written for the sandbox still find their files.
      const paths = [{ inside: SANDBOX_ROOT, host: this.hostDir }, ...this.mounts];
      const mapped = argv.map((a) => paths.reduce((text, m) => text.split(m.inside).join(m.host), a));
      return runCapped({
        argv: mapped,
        cwd: this.hostDir,
        env: { ...sandboxEnv(), PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
        ...common,
      });
    }
    return runCapped({ argv: [...(await this.bwrapPrefix(limits)), ...argv], ...common });
  }

  private async bwrapPrefix(limits: SandboxLimits): Promise<string[]> {
    const prefix: string[] = [];
    if (this.runAs !== null) prefix.push(findOnHost('setpriv'), `--reuid=${this.runAs}`, `--regid=${this.runAs}`, '--clear-groups', '--');
    prefix.push(findOnHost('bwrap'), '--unshare-all', '--die-with-parent', '--new-session', '--hostname', 'sandbox', '--clearenv');
    const nodeBin = await nodeBinDir();
    // A Node outside /usr (nvm, npm's `node` package) is shown read-only at a fixed place under the
    // private /tmp, so no host path (e.g. /root/.nvm) appears inside and uid 65534 can reach it.
    const outside = !nodeBin.startsWith('/usr/');
    const nodeInside = outside ? `${NODE_INSIDE}/${basename(nodeBin)}` : nodeBin;
    for (const [key, value] of Object.entries({ ...sandboxEnv(), PATH: `${nodeInside}:/usr/local/bin:/usr/bin:/bin` })) prefix.push('--setenv', key, value!);
    prefix.push(...systemMounts());
    prefix.push('--proc', '/proc', '--dev', '/dev', '--size', String(limits.tmpBytes), '--tmpfs', '/tmp');
    if (outside) prefix.push('--ro-bind', dirname(nodeBin), NODE_INSIDE);
    for (const m of this.mounts) prefix.push('--ro-bind', m.host, m.inside);
    prefix.push('--bind', this.hostDir, SANDBOX_ROOT, '--remount-ro', '/', '--chdir', SANDBOX_ROOT, '--');
    prefix.push(findOnHost('prlimit'), `--nproc=${limits.processes}`, `--as=${limits.memoryBytes}`, `--fsize=${limits.fileBytes}`, '--core=0', '--');
    return prefix;
  }

  /** Deletes the work tree. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await rm(this.scratch, { recursive: true, force: true });
    } catch {
      // A command may have left folders without write permission (chmod 000): give them back first.
      spawnSync('chmod', ['-R', 'u+rwX', this.scratch]);
      await rm(this.scratch, { recursive: true, force: true });
    }
  }
}

function sandboxEnv(): Record<string, string> {
  return {
    HOME: '/tmp',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GIT_CONFIG_NOSYSTEM: '1',
    // No __pycache__ in the work tree, so a submitted diff holds only the agent's edits.
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

let nodeBinCache: string | undefined;
async function nodeBinDir(): Promise<string> {
  nodeBinCache ??= dirname(await realpath(process.execPath));
  if (!existsSync(join(nodeBinCache, 'node'))) nodeBinCache = dirname(process.execPath);
  return nodeBinCache;
}
