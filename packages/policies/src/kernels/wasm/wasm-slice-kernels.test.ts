import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@srl/core';
import { selectBackend } from '../../backend/select-backend';
import { TEST_BACKEND } from '../../backend/test-backend';
import { selectKernels } from '../select-kernels';

interface Case {
  shape: number[];
  begin: number[];
  size: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: number[];
}

/** Random slices of ranks 1-5: axes cut anywhere or taken whole (so runs merge), sizes 0 and -1 among them. */
function cases(): Case[] {
  const rng = new SeededRng(11);
  const int = (n: number): number => rng.int(n);
  const out: Case[] = [];
  for (let i = 0; i < 120; i++) {
    const rank = 1 + (i % 5);
    const shape = Array.from({ length: rank }, () => 1 + int(6));
    const begin: number[] = [];
    const size: number[] = [];
    shape.forEach((n) => {
      const whole = rng.uniform53() < 0.4;
      const b = whole ? 0 : int(n);
      begin.push(b);
      size.push(whole ? (rng.uniform53() < 0.5 ? -1 : n) : rng.uniform53() < 0.05 ? 0 : 1 + int(n - b));
    });
    const dtype = (['float32', 'float32', 'int32', 'bool'] as const)[i % 4];
    const count = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: count }, () => (dtype === 'bool' ? int(2) : dtype === 'int32' ? int(1000) - 500 : rng.normal()));
    out.push({ shape, begin, size, dtype, values });
  }
  return out;
}

/** Each case's slice and its splits along every axis, as plain arrays, on the active backend. */
function run(all: Case[]): number[][] {
  return all.flatMap((c) => {
    const x = tf.tensor(c.values, c.shape, c.dtype);
    const parts = [tf.slice(x, c.begin, c.size)];
    c.shape.forEach((n, axis) => {
      if (n >= 2) parts.push(...tf.split(x, [1, n - 1], axis));
      if (n >= 3) parts.push(...tf.split(x, [n - 2, 0, 2], axis));
    });
    const values = parts.map((p) => [...p.shape, ...Array.from(p.dataSync())]);
    tf.dispose([x, ...parts]);
    return values;
  });
}

describe('wasm Slice and SplitV (copies within the heap) = the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    selectKernels('wasm'); // registers the replacements
  });
  afterAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
  });

  it('gives the same values for slices and splits of every rank and dtype', async () => {
    const all = cases();
    const before = tf.memory().numTensors;
    const onWasm = run(all);
    expect(tf.memory().numTensors).toBe(before);
    await selectBackend({ backend: 'cpu' });
    const onCpu = run(all);
    await selectBackend({ backend: 'wasm' });
    expect(onWasm.length).toBe(onCpu.length);
    onWasm.forEach((v, i) => expect(v, `part ${i}`).toEqual(onCpu[i]));
  });

  it('keeps the gradient of a concatenation (SplitV) and of a slice', () => {
    const a = tf.tensor3d(
      Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i),
      [2, 3, 4],
    );
    const b = tf.tensor3d(
      Float32Array.from({ length: 2 * 5 * 4 }, (_, i) => -i),
      [2, 5, 4],
    );
    const w = tf.tensor3d(
      Float32Array.from({ length: 2 * 8 * 4 }, (_, i) => i % 7),
      [2, 8, 4],
    );
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 1), w)))([a, b]);
    expect(Array.from(ga.dataSync())).toEqual(Array.from(tf.slice(w, [0, 0, 0], [2, 3, 4]).dataSync()));
    expect(Array.from(gb.dataSync())).toEqual(Array.from(tf.slice(w, [0, 3, 0], [2, 5, 4]).dataSync()));
    tf.dispose([a, b, w, ga, gb]);
  });
});
