import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patchRemovedNodeApis } from './install-tfjs-node';

describe('patchRemovedNodeApis', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-patch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const kernel = 'var util_1 = require("util");\nexports.f = (x) => (0, util_1.isNullOrUndefined)(x) ? 1 : 2;\n';
  const other = 'var util_1 = require("util");\nexports.g = util_1.promisify;\n';

  it('gives a kernel file the removed util functions once, and leaves other files alone', async () => {
    mkdirSync(path.join(dir, 'dist', 'kernels'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'kernels', 'TopK.js'), kernel);
    writeFileSync(path.join(dir, 'dist', 'io.js'), other);
    expect(patchRemovedNodeApis(dir)).toBe(true);
    expect(patchRemovedNodeApis(dir)).toBe(false);
    const patched = readFileSync(path.join(dir, 'dist', 'kernels', 'TopK.js'), 'utf8');
    expect(patched.match(/Object\.assign/g)).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'dist', 'io.js'), 'utf8')).toBe(other);
    const mod = { exports: {} as { f?: (x: unknown) => number } };
    new Function('require', 'exports', 'module', patched)((id: string) => (id === 'util' ? { promisify: () => undefined } : null), mod.exports, mod);
    expect([mod.exports.f!(null), mod.exports.f!(undefined), mod.exports.f!(0)]).toEqual([1, 1, 2]);
  });
});
