import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@srl/core';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';
import type { TransformerKernels } from '../kernels/transformer-kernels';
import { causalProducts } from './attention';

function random(shape: [number, number, number], rng: SeededRng): tf.Tensor3D {
  return tf.tensor3d(
    Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => rng.normal()),
    shape,
  );
}

for (const kernelCase of TEST_KERNEL_CASES)
  describe(`causalProducts (${kernelCase.label})`, () => {
    let k: TransformerKernels;
    beforeAll(async () => {
      k = await useKernelCase(kernelCase);
    });

    it('in query blocks equals one block, values and gradients (a ragged last block included)', () => {
      const rng = new SeededRng(5);
      const [n, G, T, D] = [3, 2, 23, 8];
      const q = random([n, G * T, D], rng);
      const kT = random([n, D, T], rng);
      const v = random([n, T, D], rng);
      const w = random([n, G * T, D], rng);
      const run = (block: number): { out: Float32Array; grads: Float32Array[] } => {
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(causalProducts(k, a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, G, T, block), w));
        const out = tf.tidy(() => causalProducts(k, q, kT, v, G, T, block));
        const grads = tf.grads(f)([q, kT, v]);
        const r = { out: out.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array) };
        tf.dispose([out, ...grads]);
        return r;
      };
      const whole = run(1000);
      const blocked = run(5);
      const close = (a: Float32Array, b: Float32Array): void => a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(1e-5 * (1 + Math.abs(b[i]))));
      close(blocked.out, whole.out);
      blocked.grads.forEach((g, i) => close(g, whole.grads[i]));
      // Causality: the first query row sees only the first key, so its output is v's first row.
      for (let d = 0; d < D; d++) expect(blocked.out[d]).toBeCloseTo(v.dataSync()[d], 5);
      tf.dispose([q, kT, v, w]);
    });
  });
