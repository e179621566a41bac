import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './resolve-data-dir';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'srl-data-dir-')));
mkdirSync(path.join(root, 'shared', 'data'), { recursive: true });
mkdirSync(path.join(root, 'repo', 'packages', 'tasks'), { recursive: true });
mkdirSync(path.join(root, 'mine'), { recursive: true });

describe('resolveDataDir', () => {
  it('finds ../shared/data of the repository by default', () => {
    expect(resolveDataDir({ env: {} })).toBe(path.resolve(repoRoot, '../shared/data'));
  });

  it('walks up from a start folder to the first shared/data', () => {
    expect(resolveDataDir({ env: {}, startDirs: [path.join(root, 'repo', 'packages', 'tasks')] })).toBe(path.join(root, 'shared', 'data'));
  });

  it('prefers the dataDir option (relative to baseDir), then $SRL_DATA_DIR', () => {
    expect(resolveDataDir({ dataDir: 'mine', baseDir: root, env: { SRL_DATA_DIR: '/nope' } })).toBe(path.join(root, 'mine'));
    expect(resolveDataDir({ env: { SRL_DATA_DIR: path.join(root, 'mine') } })).toBe(path.join(root, 'mine'));
  });

  it('throws a data error naming the source and how to fix it', () => {
    expect(() => resolveDataDir({ dataDir: '/does/not/exist', env: {} })).toThrow(/option dataDir .*"\/does\/not\/exist"/);
    expect(() => resolveDataDir({ env: { SRL_DATA_DIR: '/does/not/exist' } })).toThrow(/\$SRL_DATA_DIR/);
    expect(() => resolveDataDir({ env: {}, startDirs: ['/'] })).toThrow(/SRL_DATA_DIR/);
  });
});
