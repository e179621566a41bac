// These tests need bubblewrap and user namespaces (CI installs bubblewrap): they FAIL, not skip,
// when the sandbox cannot be created, so a CI without isolation is noticed.
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from './bubblewrap-sandbox';

describe('BubblewrapSandbox', () => {
  let sandbox: BubblewrapSandbox;
  beforeAll(async () => {
    sandbox = await BubblewrapSandbox.create({
      limits: { timeoutMs: 1000, outputBytes: 1000, killAfterOutputBytes: 100_000, processes: 16, memoryBytes: 512 * 1024 * 1024, fileBytes: 256 * 1024 },
    });
  });
  afterAll(async () => sandbox.close());

  it('runs in the work tree, which is the only writable place', async () => {
    const run = await sandbox.exec('pwd; echo hi > here.txt && echo ok; touch /usr/x /etc/x /x 2>&1 | sed "s/.*: //"');
    expect(run.exitCode).toBe(0);
    expect(run.output).toBe('/testbed\nok\nRead-only file system\nRead-only file system\nRead-only file system\n');
    expect(existsSync(`${sandbox.hostDir}/here.txt`)).toBe(true);
  });

  it('has no network and sees no host folders', async () => {
    let connections = 0;
    const server = createServer((socket) => (connections++, socket.destroy()));
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    try {
      const net = await sandbox.exec(`exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`);
      expect(net.exitCode).not.toBe(0);
      expect(net.output).toContain('Connection refused');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
    const ls = await sandbox.exec('ls /');
    const allowed = ['bin', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'proc', 'sbin', 'testbed', 'tmp', 'usr'];
    expect(
      ls.output
        .trim()
        .split('\n')
        .filter((d) => !allowed.includes(d)),
    ).toEqual([]);
    expect((await sandbox.exec('ls /etc')).output.split('\n')).not.toContain('passwd');
  });

  it('kills a command at its time limit, background processes included', async () => {
    const run = await sandbox.exec('(sleep 1.3; echo late > late.txt) & while :; do :; done');
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(existsSync(`${sandbox.hostDir}/late.txt`)).toBe(false);
  });

  it('caps the output (head and tail kept) and kills a command that floods it', async () => {
    const run = await sandbox.exec('seq 1 100000');
    expect(run.truncated).toBe(true);
    expect(run.outputLimitHit).toBe(true);
    expect(run.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(run.output).toMatch(/<output truncated: \d+ of \d+ bytes omitted>/);
    expect(run.output.length).toBeLessThan(1100);
  });

  it('caps the number of processes', async () => {
    // Python's fork fails at once at the cap (bash would retry); children sleep so they all count.
    const program =
      'import os, time\nn = 0\nwhile n < 40:\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n        time.sleep(2)\n        os._exit(0)\n    n += 1\nprint("forked", n)';
    const run = await sandbox.exec(`python3 -c '${program}'`);
    const forked = Number(/forked (\d+)/.exec(run.output)?.[1]);
    expect(forked).toBeGreaterThan(4);
    expect(forked).toBeLessThan(16);
  });

  it('caps memory and file size', async () => {
    const big = await sandbox.exec(
      'python3 -c "x = bytearray(6 * 1024 ** 3)" 2>&1 | tail -1; head -c 400000 /dev/zero > big.bin; echo "exit $?"; stat -c %s big.bin',
    );
    expect(big.output).toMatch(/^MemoryError\n/);
    // bash reports the SIGXFSZ on its stderr, a separate pipe from stdout: that line may land before or after these.
    expect(big.output).toMatch(/^exit 153$/m);
    expect(big.output).toMatch(/^262144$/m);
  });

  it('passes stdin and reports the exit status', async () => {
    const run = await sandbox.exec('cat; exit 7', { stdin: 'from stdin' });
    expect(run).toMatchObject({ output: 'from stdin', exitCode: 7, timedOut: false });
  });
});
