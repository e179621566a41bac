import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { srl } from './run-srl';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// `srl setup tensorflow` (CI runs it before the tensorflow pass) links the native package into the project.
const policiesRequire = createRequire(path.join(root, 'packages/policies/package.json'));
const nativeInstalled = (() => {
  try {
    policiesRequire.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('srl doctor and srl setup', () => {
  it("doctor --json lists every backend in select-backend's order, with what it found or how to get it", async () => {
    const { code, out, err } = await srl(['doctor', '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const statuses = JSON.parse(out) as { backend: string; provider: string; available: boolean; detail: string; howToGet?: string }[];
    expect(statuses.map((s) => s.provider)).toEqual([
      '@tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-cpu',
    ]);
    const [, node, wasm, cpu] = statuses;
    expect(wasm).toMatchObject({ backend: 'wasm', available: true, detail: expect.stringMatching(/^wasm, SIMD (on|off)/) });
    expect(cpu).toMatchObject({ backend: 'cpu', available: true });
    if (nativeInstalled) expect(node).toMatchObject({ available: true, detail: expect.stringMatching(/^TensorFlow \d+\.\d+/) });
    else expect(node).toMatchObject({ available: false, detail: 'not installed', howToGet: expect.stringContaining('srl setup tensorflow') });
    for (const s of statuses) if (!s.available) expect(s.howToGet).toBeTruthy();
  });

  it('setup tensorflow --dry-run prints its plan and changes nothing', async () => {
    const before = existsSync(path.join(root, 'node_modules', '.cache', 'srl-tensorflow', 'gpu'));
    const { code, out } = await srl(['setup', 'tensorflow', '--gpu', '--dry-run', '--project', root]);
    expect(code).toBe(0);
    expect(out).toMatch(/verify: load it from @srl\/policies/);
    expect(existsSync(path.join(root, 'node_modules', '.cache', 'srl-tensorflow', 'gpu'))).toBe(before);
  });

  it('setup refuses a wheel for another platform with exit 2', async () => {
    const { code, err } = await srl(['setup', 'tensorflow', '--wheel', fileURLToPath(import.meta.url), '--project', root]);
    expect(code).toBe(2);
    expect(err).toContain('not a wheel file name');
  });
});
