import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupTensorflow } from './setup-tensorflow';

// The full build takes a minute and a 270 MB wheel: CI runs it through `srl setup tensorflow`. These tests cover
// what happens before any download: the plan, and the refusals.
describe('setupTensorflow', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'srl-setup-'));
  writeFileSync(path.join(root, 'package.json'), '{"name":"p","private":true}\n');
  mkdirSync(path.join(root, 'node_modules'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('--dry-run lists every step of a fresh setup and changes nothing', async () => {
    const lines: string[] = [];
    const result = await setupTensorflow({ projectRoot: root, dryRun: true, log: (m) => lines.push(m) });
    expect(result.changed).toBe(true);
    expect(result.packageName).toBe('@tensorflow/tfjs-node');
    expect(result.steps.join('\n')).toMatch(
      /download tensorflow-cpu==2\.21\.\* with pip[\s\S]*npm install --ignore-scripts @tensorflow\/tfjs-node@4\.22\.0[\s\S]*node-gyp[\s\S]*verify/,
    );
    expect(lines).toHaveLength(result.steps.length);
    expect(existsSync(path.join(root, 'node_modules', '.cache'))).toBe(false);
  });

  it('--gpu plans the CUDA wheel, the nvidia-* wheels and tfjs-node-gpu; --tf-version picks the pip version', async () => {
    const result = await setupTensorflow({ projectRoot: root, dryRun: true, gpu: true, tfVersion: '2.20' });
    expect(result.packageName).toBe('@tensorflow/tfjs-node-gpu');
    expect(result.steps[0]).toContain('download tensorflow==2.20.* and its nvidia-* CUDA wheels');
  });

  it('refuses a missing wheel file and a wheel for another platform before doing anything', async () => {
    await expect(setupTensorflow({ projectRoot: root, wheel: path.join(root, 'none.whl') })).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringContaining('no such file'),
    });
    const mac = path.join(root, 'tensorflow-2.21.0-cp311-cp311-macosx_12_0_arm64.whl');
    writeFileSync(mac, '');
    await expect(setupTensorflow({ projectRoot: root, wheel: mac })).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/macosx_12_0_arm64|Linux only/),
    });
    expect(existsSync(path.join(root, 'node_modules', '.cache'))).toBe(false);
  });

  it('leaves an ordinary install of the package alone', async () => {
    mkdirSync(path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'), { recursive: true });
    await expect(setupTensorflow({ projectRoot: root })).rejects.toMatchObject({
      kind: 'runtime',
      message: expect.stringContaining('already an ordinary install'),
    });
    rmSync(path.join(root, 'node_modules', '@tensorflow'), { recursive: true });
  });
});
