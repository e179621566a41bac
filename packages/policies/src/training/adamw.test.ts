import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';
import { referenceKernels } from '../kernels/reference-kernels';
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

    it('gives the same bits in the flat layout as per parameter, and the same state (restorable across layouts)', () => {
      const shapes = [[3, 4], [4], [2, 3, 2]];
      const init = (k: number): tf.Variable[] => shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i + k)));
      const names = ['w', 'b', 'x'];
      const runs = (['per-parameter', 'flat'] as const).map((layout) => {
        const vars = init(0);
        // Per parameter with tf ops (the wasm set's in-place SIMD update rounds differently).
        const opt = new AdamW(new Map(names.map((n, i) => [n, vars[i]])), {
          weightDecay: 0.1,
          kernels: layout === 'flat' ? kernels : referenceKernels,
          layout,
        });
        for (let k = 1; k <= 3; k++)
          tf.tidy(() => opt.step(new Map(names.map((n, i) => [n, tf.randomNormal(shapes[i], 0, 1, 'float32', 100 * k + i)])), 0.01 * k));
        return { vars, opt };
      });
      const [a, b] = runs;
      a.vars.forEach((v, i) => expect(Array.from(b.vars[i].dataSync())).toEqual(Array.from(v.dataSync())));
      const [sa, sb] = [a.opt.state(), b.opt.state()];
      expect(sb.step).toBe(sa.step);
      for (const n of names) {
        expect(Array.from(sb.m.get(n) as Float32Array)).toEqual(Array.from(sa.m.get(n) as Float32Array));
        expect(Array.from(sb.v.get(n) as Float32Array)).toEqual(Array.from(sa.v.get(n) as Float32Array));
      }
      // A flat optimizer restored from the per-parameter state takes the same next step.
      const c = init(0);
      a.vars.forEach((v, i) => c[i].assign(v));
      const optC = new AdamW(new Map(names.map((n, i) => [n, c[i]])), { weightDecay: 0.1, kernels, layout: 'flat' });
      optC.setState(sa);
      const g = (): Map<string, tf.Tensor> => new Map(names.map((n, i) => [n, tf.randomNormal(shapes[i], 0, 1, 'float32', 7 + i)]));
      tf.tidy(() => a.opt.step(g(), 0.02));
      tf.tidy(() => optC.step(g(), 0.02));
      a.vars.forEach((v, i) => expect(Array.from(c[i].dataSync())).toEqual(Array.from(v.dataSync())));
      expect(() => tf.tidy(() => optC.step(new Map([['w', tf.zeros([3, 4])]]), 0.1))).toThrow(/needs a gradient for every parameter/);
      // A refused step leaves the optimizer as it was: the counter (bias corrections, saved state) does not move.
      const steps = optC.stepCount;
      expect(() => tf.tidy(() => optC.step(new Map([['nope', tf.zeros([3, 4])]]), 0.1))).toThrow(/not one of the model's parameters/);
      expect(optC.stepCount).toBe(steps);
      expect(() => tf.tidy(() => a.opt.step(new Map([['nope', tf.zeros([3, 4])]]), 0.1))).toThrow(/not one of the model's parameters/);
      for (const r of [a, b]) r.opt.dispose();
      optC.dispose();
      tf.dispose([...a.vars, ...b.vars, ...c]);
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
