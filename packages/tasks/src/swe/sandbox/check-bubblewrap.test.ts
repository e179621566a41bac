import { describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { checkBubblewrap, findOnHost } from './check-bubblewrap';
import { BubblewrapSandbox } from './bubblewrap-sandbox';

describe('checkBubblewrap', () => {
  it('passes here: CI installs bubblewrap, and a machine without it must fail this test, not skip it', async () => {
    await expect(checkBubblewrap()).resolves.toBeUndefined();
  });

  it('refuses a missing bubblewrap with how to fix it', () => {
    const error = (() => {
      try {
        return findOnHost('bwrap', '/nonexistent');
      } catch (e) {
        return e;
      }
    })();
    expect(isSrlError(error) && error.kind).toBe('sandbox');
    expect((error as Error).message).toMatch(
      /"bwrap" was not found on PATH\. Fix: install bubblewrap \(Debian\/Ubuntu: apt-get install -y bubblewrap;.*unsafe: true/,
    );
  });
});

describe('unsafe mode', () => {
  it('runs on the host only when asked, with a warning on every command', async () => {
    const warnings: string[] = [];
    const logger = { log: (level: string, message: string) => void (level === 'warn' && warnings.push(message)), metrics: () => {}, progress: () => {} };
    const sandbox = await BubblewrapSandbox.create({ unsafe: true, logger });
    try {
      expect((await sandbox.exec('pwd')).output.trim()).toBe(sandbox.hostDir);
      expect((await sandbox.exec('echo hi > /testbed/x && cat x')).output).toBe('hi\n');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/^UNSAFE: running without a sandbox \(unsafe: true\): /);
    } finally {
      await sandbox.close();
    }
  });
});
