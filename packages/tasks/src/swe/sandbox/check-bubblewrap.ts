import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SrlError } from '@srl/core';
import { systemMounts } from './system-mounts';

const HOW_TO_FIX = [
  'install bubblewrap (Debian/Ubuntu: apt-get install -y bubblewrap; Fedora: dnf install bubblewrap) and allow unprivileged user namespaces',
  '(Debian: sysctl -w kernel.unprivileged_userns_clone=1; Ubuntu 24.04+: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0;',
  'in Docker: run the container with --security-opt seccomp=unconfined --security-opt apparmor=unconfined, or --privileged).',
  'To run agent commands with no isolation at all, set the environment option unsafe: true (not recommended).',
].join(' ');

/** Absolute path of a program on the host PATH; throws a `sandbox` error that says how to install it. */
export function findOnHost(program: string, searchPath: string = process.env.PATH ?? '/usr/bin:/bin'): string {
  for (const dir of searchPath.split(':')) {
    const path = join(dir, program);
    if (dir !== '' && existsSync(path)) return path;
  }
  throw new SrlError('sandbox', `cannot run SWE actions in a sandbox: "${program}" was not found on PATH. Fix: ${HOW_TO_FIX}`);
}

let verdict: Promise<void> | undefined;

/**
 * Checks once per process that bubblewrap exists and can create the namespaces the sandbox needs
 * (by starting one with the same flags); rejects with a `sandbox` error saying how to fix it.
 */
export function checkBubblewrap(): Promise<void> {
  verdict ??= Promise.resolve().then(() => {
    const bwrap = findOnHost('bwrap');
    findOnHost('prlimit');
    const asRoot = process.getuid?.() === 0;
    const argv = [bwrap, '--unshare-all', '--die-with-parent', ...systemMounts(), '--proc', '/proc', '--dev', '/dev', '/usr/bin/true'];
    const run = asRoot
      ? spawnSync(findOnHost('setpriv'), ['--reuid=65534', '--regid=65534', '--clear-groups', '--', ...argv])
      : spawnSync(argv[0]!, argv.slice(1));
    if (run.status !== 0) {
      const why = (run.stderr?.toString() || run.error?.message || `exit status ${String(run.status)}`).trim();
      throw new SrlError('sandbox', `bubblewrap cannot create a sandbox here: ${why}. Fix: ${HOW_TO_FIX}`);
    }
  });
  return verdict;
}

/** The bubblewrap version, for reports (`bubblewrap 0.8.0`), or null when it is missing. */
export function bubblewrapVersion(): string | null {
  try {
    return execFileSync(findOnHost('bwrap'), ['--version']).toString().trim();
  } catch {
    return null;
  }
}
