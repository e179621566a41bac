import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedPaths, unsafeChanges } from './recipe-changes';
import { RunLock } from './run-lock';
import { isSafeName, resolveInside, toSafeName } from './safe-path';

describe('safe paths', () => {
  it('accepts plain names only', () => {
    expect(['0-sft', 'srl.v2', 'A_b-1'].every(isSafeName)).toBe(true);
    expect(['..', '.hidden', 'a/b', '0-../../x', '', 'a\\b'].some(isSafeName)).toBe(false);
    expect(toSafeName('math/gsm8k')).toBe('math-gsm8k');
  });

  it('resolves inside the root and refuses links on the way', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'srl-safe-'));
    expect(resolveInside(root, 'stages', '0-sft', 'metrics.jsonl')).toBe(path.join(root, 'stages', '0-sft', 'metrics.jsonl'));
    expect(() => resolveInside(root, 'stages', '..', 'x')).toThrow(/refusing the path segment "\.\."/);
    mkdirSync(path.join(root, 'elsewhere'));
    symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'stages'));
    expect(() => resolveInside(root, 'stages', '0-sft')).toThrow(/stages: it is a symbolic link/);
  });
});

describe('recipe changes', () => {
  it('lists changed paths and tells the unsafe ones', () => {
    const before = { seed: 0, stages: [{ trainer: ['sft', { epochs: 1 }] }, { trainer: ['srl', { epochs: 2 }] }] };
    const after = { seed: 1, stages: [{ trainer: ['sft', { epochs: 1 }] }, { trainer: ['srl', { epochs: 3 }] }, { trainer: 'rlvr' }] };
    const paths = changedPaths(before, after);
    expect(paths).toEqual(['seed', 'stages[1].trainer[1].epochs', 'stages[2]']);
    expect(unsafeChanges(paths, 1)).toEqual(['seed']);
    expect(unsafeChanges(['stages[1].trainer[1].epochs'], 2)).toEqual(['stages[1].trainer[1].epochs']);
  });
});

describe('RunLock', () => {
  it('refuses a live holder by pid, takes over a dead one, and releases', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'srl-lock-')), 'run.lock');
    const lock = RunLock.acquire(file);
    expect(() => RunLock.acquire(file)).toThrow(new RegExp(`held by srl process ${process.pid}`));
    lock.release();
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: 'x' }));
    RunLock.acquire(file).release();
  });
});
