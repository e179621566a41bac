import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend';
import { TEST_BACKEND } from './test-backend';

// The native packages are optional: a plain install has neither; `srl setup tensorflow` (CI runs it) links one.
const nativeInstalled = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((name) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
});

describe('selectBackend', () => {
  const pinned = process.env.SRL_BACKEND;
  afterEach(async () => {
    process.env.SRL_BACKEND = pinned;
    await selectBackend({ backend: TEST_BACKEND });
  });

  it('without SRL_BACKEND, prefers a native package, else falls back to wasm, and logs the choice', async () => {
    delete process.env.SRL_BACKEND;
    const lines: string[] = [];
    const name = await selectBackend({ log: (m) => lines.push(m) });
    expect(name).toBe(nativeInstalled ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(name);
    if (!nativeInstalled) expect(lines.join('\n')).toMatch(/tfjs backend: wasm, SIMD (on|off) \(skipped tensorflow: @tensorflow\/tfjs-node-gpu/);
    else expect(lines.join('\n')).toMatch(/^tfjs backend: tensorflow, TensorFlow \d+\.\d+\.\d+ on the (CPU|GPU)/);
  });

  it('SRL_BACKEND pins what auto means, and refuses an unknown name', async () => {
    process.env.SRL_BACKEND = 'cpu';
    expect(await selectBackend()).toBe('cpu');
    expect(await selectBackend({ backend: 'auto' })).toBe('cpu');
    process.env.SRL_BACKEND = 'webgpu';
    await expect(selectBackend()).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('SRL_BACKEND="webgpu"') });
  });

  it('honours an explicit choice and switches back', async () => {
    expect(await selectBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend({ backend: 'wasm' })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.skipIf(nativeInstalled)('refuses an explicit native backend that is not installed, saying how to get it', async () => {
    await selectBackend({ backend: 'wasm' });
    await expect(selectBackend({ backend: 'tensorflow' })).rejects.toMatchObject({ kind: 'runtime', message: expect.stringContaining('srl setup tensorflow') });
    expect(tf.getBackend()).toBe('wasm');
  });

  it.runIf(nativeInstalled)('starts the installed native backend in this tfjs-core (one instance) and computes with it', async () => {
    expect(await selectBackend({ backend: 'tensorflow' })).toBe('tensorflow');
    const product = tf.tidy(() =>
      tf
        .matMul(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          tf.tensor2d([
            [5, 6],
            [7, 8],
          ]),
        )
        .dataSync(),
    );
    expect(Array.from(product)).toEqual([19, 22, 43, 50]);
  });
});
