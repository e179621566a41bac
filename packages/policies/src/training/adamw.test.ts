import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';
import type { TransformerKernels } from '../kernels/transformer-kernels';
import { AdamW } from './adamw';

/** torch.optim.AdamW's update, in float64. */
function reference(p: number[], grads: number[][], lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const out = [...p];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < out.length; i++) {
      out[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      out[i] -= (lr / (1 - b1 ** t)) * (m[i] / denom);
    }
  });
  return out;
}

// In place with the wasm kernels (SIMD, 4 lanes at a time plus a scalar tail), with tf ops otherwise.
for (const kernelCase of TEST_KERNEL_CASES)
  describe(`AdamW (${kernelCase.label})`, () => {
    let kernels: TransformerKernels;
    beforeAll(async () => {
      kernels = await useKernelCase(kernelCase);
    });

    it('matches torch.optim.AdamW, decaying matrices only', () => {
      const w0 = [0.5, -1, 2, 0.25];
      const b0 = [0.1, -0.2];
      const w = tf.variable(tf.tensor2d(w0, [2, 2]));
      const b = tf.variable(tf.tensor1d(b0));
      const opt = new AdamW(
        new Map<string, tf.Variable>([
          ['w', w],
          ['b', b],
        ]),
        { weightDecay: 0.1, kernels },
      );
      const gw = [
        [0.3, -0.1, 0.02, 1],
        [-0.5, 0.4, 0.0, 0.7],
        [0.1, 0.1, -0.3, -2],
      ];
      const gb = [
        [1, -1],
        [0.5, 0.2],
        [-0.1, 0.3],
      ];
      for (let k = 0; k < 3; k++) {
        tf.tidy(() =>
          opt.step(
            new Map<string, tf.Tensor>([
              ['w', tf.tensor2d(gw[k], [2, 2])],
              ['b', tf.tensor1d(gb[k])],
            ]),
            0.01,
          ),
        );
      }
      Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(reference(w0, gw, 0.01, 0.1)[i], 6));
      Array.from(b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(reference(b0, gb, 0.01, 0)[i], 6));
      expect(opt.stepCount).toBe(3);
      opt.dispose();
      tf.dispose([w, b]);
    });

    it('restores its state exactly: the next step is bit-identical', () => {
      const make = (): tf.Variable => tf.variable(tf.tensor1d([1, 2, 3]));
      const grad = (k: number): tf.Tensor => tf.tensor1d([0.1 * k, -0.2, 0.3 / k]);
      const a = make();
      const optA = new AdamW(new Map([['a', a]]), { weightDecay: 0.01, kernels });
      for (let k = 1; k <= 2; k++) tf.tidy(() => optA.step(new Map([['a', grad(k) as tf.Tensor]]), 0.1));
      const saved = optA.state();
      const weights = a.dataSync().slice();
      tf.tidy(() => optA.step(new Map([['a', grad(3)]]), 0.1));

      const b = tf.variable(tf.tensor1d(weights));
      const optB = new AdamW(new Map([['a', b]]), { weightDecay: 0.01, kernels });
      optB.setState(saved);
      tf.tidy(() => optB.step(new Map([['a', grad(3)]]), 0.1));
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      expect(() => optB.setState({ step: 1, m: new Map(), v: new Map() })).toThrow(/m of a is missing/);
      optA.dispose();
      optB.dispose();
      tf.dispose([a, b]);
    });
  });
