import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SweEnvironment } from '../env/swe-environment';
import type { SweAction } from '../trajectory';
import type { SandboxLimits } from './sandbox-limits';

export interface ContainmentCheck {
  name: string;
  contained: boolean;
  /** What happened, in a sentence. */
  detail: string;
}

/** Limits of the battery's commands: short, so the endless loop and the fork bomb end quickly. */
const BATTERY_LIMITS: Partial<SandboxLimits> = { timeoutMs: 2000, processes: 32 };

/**
 * Runs hostile actions in a fresh sandbox and reports, one by one through `onCheck`, whether each
 * was contained: writes outside the work tree (/, $HOME, /tmp, the project checkout), reading a
 * host secret, a TCP connect to a port this process listens on, an endless loop, a fork bomb,
 * 1 GB of output, a background process outliving its command, and symlinks pointing outside.
 */
export async function runSandboxBattery(input: { projectDir: string; onCheck?: (check: ContainmentCheck) => void }): Promise<ContainmentCheck[]> {
  const checks: ContainmentCheck[] = [];
  const report = (check: ContainmentCheck): void => {
    checks.push(check);
    input.onCheck?.(check);
  };
  const tag = `srl-probe-${randomBytes(6).toString('hex')}`;
  const scratch = await mkdtemp(join(tmpdir(), 'srl-battery-'));
  const secret = `srl-secret-${randomBytes(12).toString('hex')}`;
  const secretFile = join(scratch, 'secret.txt');
  await writeFile(secretFile, `${secret}\n`, { mode: 0o644 });
  const repoDir = join(scratch, 'repo');
  await mkdir(repoDir);
  await writeFile(join(repoDir, 'README'), 'empty repository for the sandbox battery\n');
  const env = new SweEnvironment({ limits: BATTERY_LIMITS });
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  const bash = async (command: string) => env.step({ tool: 'bash', args: { command } });
  try {
    await env.reset({ instanceId: 'sandbox-battery', issue: '', repoDir });
    const hostDir = env.currentSandbox!.hostDir;

    for (const [where, dir] of [
      ['/', '/'],
      ['$HOME', homedir()],
      ['/tmp', tmpdir()],
      ['the project checkout', input.projectDir],
    ] as const) {
      const target = join(dir, tag);
      const run = await bash(`echo pwned > ${target} && echo written`);
      const leaked = existsSync(target);
      if (leaked) await rm(target, { force: true });
      report({
        name: `write ${where}`,
        contained: !leaked,
        detail: leaked ? `${target} was created on the host` : `no file on the host at ${target} (inside: ${firstLine(run.observation)})`,
      });
    }

    // A host file, srl's own process (its command line under /proc) and /etc/shadow must all be out of sight.
    const hostCmdline = readFileSync('/proc/self/cmdline', 'utf8').split('\0').join(' ').trim();
    const read = await bash(`cat ${secretFile}; tr '\\0' ' ' < /proc/${process.pid}/cmdline; cat /etc/shadow 2>&1 | head -c 200`);
    const leakedSecret = read.observation.includes(secret) || read.observation.includes(hostCmdline) || read.observation.includes('root:');
    report({
      name: 'read a host secret',
      contained: !leakedSecret,
      detail: leakedSecret
        ? `a host secret was read: ${firstLine(read.observation)}`
        : `${secretFile}, srl's /proc/${process.pid} and /etc/shadow are not visible (${firstLine(read.observation)})`,
    });

    const net = await bash(`exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`);
    const reached = connections > 0 || net.observation.includes('connected');
    report({
      name: `network (127.0.0.1:${port}, listened on by srl)`,
      contained: !reached,
      detail: reached ? `the sandbox connected (${connections} connection(s))` : `no connection reached srl's port (${firstLine(net.observation)})`,
    });

    const loop = await bash('while :; do :; done');
    report({
      name: 'endless loop',
      contained: loop.info?.timedOut === true,
      detail: loop.info?.timedOut ? `killed at the ${BATTERY_LIMITS.timeoutMs! / 1000} s time limit` : 'was not killed',
    });

    // Builtins only after the bomb starts: counting must not need a fork itself.
    const bomb = await bash(
      'b() { b | b & }; (b) 2>/dev/null & while (( SECONDS < 1 )); do :; done; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo "processes=$n"',
    );
    const count = Number(/processes=(\d+)/.exec(bomb.observation)?.[1] ?? NaN);
    const capped = Number.isFinite(count) ? count <= BATTERY_LIMITS.processes! + 2 : bomb.info?.timedOut === true;
    report({
      name: 'fork bomb',
      contained: capped,
      detail: Number.isFinite(count)
        ? `${count} processes in the sandbox while the bomb ran (cap ${BATTERY_LIMITS.processes}); all killed at command end`
        : `ended by the time limit (${firstLine(bomb.observation)})`,
    });

    const flood = await bash("head -c 1000000000 /dev/zero | tr '\\0' x");
    const shown = flood.observation.length;
    const truncated = flood.info?.truncated === true && shown < 2 * env.currentSandbox!.limits.outputBytes;
    report({
      name: '1 GB of output',
      contained: truncated,
      detail: `${String(flood.info?.outputBytes)} bytes written, ${shown} characters kept in the observation${flood.observation.includes('output limit') ? ', command killed at the output limit' : ''}`,
    });

    await bash('(sleep 1; echo alive > /testbed/background-alive) > /dev/null 2>&1 & echo started');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const survived = existsSync(join(hostDir, 'background-alive'));
    report({
      name: 'background process',
      contained: !survived,
      detail: survived ? 'a background process kept running after its command ended' : 'killed when its command ended (its file never appeared after 1.5 s)',
    });

    const link = await bash(`ln -s ${secretFile} /testbed/secret-link && cat /testbed/secret-link`);
    const view = await env.step({ tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/secret-link' } } satisfies SweAction);
    await bash(`ln -s ${input.projectDir} /testbed/project-link`);
    const create = await env.step({ tool: 'str_replace_editor', args: { command: 'create', path: `/testbed/project-link/${tag}`, file_text: 'pwned' } });
    const escaped = link.observation.includes(secret) || view.observation.includes(secret) || existsSync(join(input.projectDir, tag));
    if (existsSync(join(input.projectDir, tag))) await rm(join(input.projectDir, tag), { force: true });
    report({
      name: 'symlink pointing outside',
      contained: !escaped,
      detail: escaped
        ? 'a symlink in the work tree reached a host file'
        : `cat and the editor see no host file through it (${firstLine(view.observation)}; create: ${firstLine(create.observation)})`,
    });
  } finally {
    server.close();
    await env.close();
    await rm(scratch, { recursive: true, force: true });
  }
  return checks;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
