import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend';

describe('selectBackend', () => {
  it('falls back to wasm when no native package is installed, and logs the choice', async () => {
    const lines: string[] = [];
    const name = await selectBackend({ log: (m) => lines.push(m) });
    // The native packages are optional and not installed in this repository's CI.
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines.join('\n')).toMatch(/tfjs backend: wasm, SIMD (on|off) \(skipped tensorflow: @tensorflow\/tfjs-node-gpu/);
  });

  it('honours an explicit choice and switches back', async () => {
    expect(await selectBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend({ backend: 'wasm' })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses an explicit native backend that is not installed', async () => {
    await expect(selectBackend({ backend: 'tensorflow' })).rejects.toMatchObject({ kind: 'runtime', message: expect.stringContaining('tfjs-node') });
    expect(tf.getBackend()).toBe('wasm');
  });
});
