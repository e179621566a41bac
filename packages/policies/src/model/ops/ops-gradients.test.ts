import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedRandom, maxGradientError } from '../../../test/grad-check';
import { selectBackend } from '../../backend/select-backend';
import { TEST_BACKEND } from '../../backend/test-backend';
import { ALL_KERNEL_CASES, useKernelCase } from '../../kernels/test-kernels';
import { gemmFused } from '../../kernels/wasm/simd-gemm';
import type { TransformerKernels } from '../../kernels/transformer-kernels';
import { embedding } from './embedding';
import { gelu } from './gelu';
import { linear } from './linear';
import { layerNorm, rmsNorm } from './norms';
import { Rope } from './rope';
import { tokenLogProbs } from './token-log-probs';

// Each op's custom gradient against central finite differences, with every kernel set on wasm and on cpu.
for (const kernelCase of ALL_KERNEL_CASES) {
  describe(`custom gradients (${kernelCase.label})`, () => {
    let k: TransformerKernels;
    beforeAll(async () => {
      k = await useKernelCase(kernelCase);
    });
    afterAll(async () => {
      await selectBackend({ backend: TEST_BACKEND });
    });
    const weights = (shape: number[], seed: number, scale = 1): tf.Tensor => fixedRandom(shape, seed, scale);

    it('linear with and without bias (x, w, b)', () => {
      const x = weights([5, 4], 1);
      const w = weights([4, 3], 2);
      const b = weights([3], 3);
      const r = weights([5, 3], 4);
      expect(maxGradientError((xi, wi, bi) => tf.sum(tf.mul(linear(k, xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), r)), [x, w, b])).toBeLessThan(
        2e-3,
      );
      // Wider output than input: the weight gradient transposes dy instead of x.
      const w2 = weights([4, 7], 5);
      const r2 = weights([5, 7], 6);
      expect(maxGradientError((xi, wi) => tf.sum(tf.mul(linear(k, xi as tf.Tensor2D, wi as tf.Tensor2D), r2)), [x, w2])).toBeLessThan(2e-3);
      const w3 = weights([4, 2], 7);
      const r3 = weights([5, 2], 8);
      expect(maxGradientError((xi, wi) => tf.sum(tf.mul(linear(k, xi as tf.Tensor2D, wi as tf.Tensor2D), r3)), [x, w3])).toBeLessThan(2e-3);
    });

    it('embedding, rows and columns layouts, with repeated ids', () => {
      const ids = Int32Array.from([2, 0, 2, 4, 1]);
      const rows = weights([5, 3], 11);
      const cols = weights([3, 5], 12);
      const r = weights([5, 3], 13);
      expect(maxGradientError((t) => tf.sum(tf.mul(tf.square(embedding(k, t as tf.Tensor2D, ids)), r)), [rows])).toBeLessThan(2e-3);
      expect(maxGradientError((t) => tf.sum(tf.mul(tf.square(embedding(k, t as tf.Tensor2D, ids, 'columns')), r)), [cols])).toBeLessThan(2e-3);
      expect(() => embedding(k, rows as tf.Tensor2D, Int32Array.of(5))).toThrow(/outside \[0, 5\)/);
    });

    it('batched matMul and transposeLast', () => {
      // 4 x 16 x 32 @ 32 x 40: large enough for the per-entry XNNPACK path on wasm.
      const a = weights([4, 16, 32], 21, 0.3);
      const b = weights([4, 32, 40], 22, 0.3);
      const r = weights([4, 16, 40], 23);
      expect(maxGradientError((ai, bi) => tf.sum(tf.mul(k.batchMatMul(ai as tf.Tensor3D, bi as tf.Tensor3D), r)), [a, b], { samples: 8 })).toBeLessThan(2e-3);
      const x = weights([3, 5, 7], 24);
      const r2 = weights([3, 7, 5], 25);
      expect(maxGradientError((xi) => tf.sum(tf.mul(tf.square(k.transposeLast(xi as tf.Tensor3D)), r2)), [x])).toBeLessThan(2e-3);
      expect(
        tf.tidy(() =>
          k
            .transposeLast(
              tf.tensor2d([
                [1, 2, 3],
                [4, 5, 6],
              ]),
            )
            .arraySync(),
        ),
      ).toEqual([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
    });

    it("batched matMul of tiny entries equals tfjs's own product (bit for bit where the SIMD product multiplies and adds separately)", () => {
      // 16 x 16 x 32 x 16 MACs per entry: below the per-entry XNNPACK threshold; K <= 48 (tfjs's loop block).
      const a = weights([6, 16, 32], 31);
      const b = weights([6, 32, 16], 32);
      const [ours, stock] = tf.tidy(() => [
        k.batchMatMul(a as tf.Tensor3D, b as tf.Tensor3D).dataSync(),
        tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D).dataSync(),
      ]);
      // With fused multiply-adds (relaxed SIMD, simd-gemm.ts) each step rounds once instead of twice.
      if (kernelCase.kernels === 'wasm' && gemmFused())
        for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - stock[i])).toBeLessThan(1e-6 * (1 + Math.abs(stock[i])));
      else expect(Array.from(ours)).toEqual(Array.from(stock));
      // Gradients of sum(r * (a @ b)) against float64 products: da = r @ bT, db = aT @ r (finite differences
      // of a sum of 1,536 products are bound by float32 rounding, not by the gradient).
      const r = weights([6, 16, 16], 33);
      const [da, db] = tf.tidy(() =>
        tf
          .grads((ai, bi) => tf.sum(tf.mul(k.batchMatMul(ai as tf.Tensor3D, bi as tf.Tensor3D), r)))([a, b])
          .map((g) => g.dataSync()),
      );
      const [av, bv, rv] = [a, b, r].map((t) => t.dataSync());
      for (let e = 0; e < 6; e++)
        for (let i = 0; i < 16; i++)
          for (let kk = 0; kk < 32; kk++) {
            let sa = 0;
            let sb = 0;
            for (let j = 0; j < 16; j++) {
              sa += rv[(e * 16 + i) * 16 + j] * bv[(e * 32 + kk) * 16 + j];
              sb += av[(e * 16 + j) * 32 + kk] * rv[(e * 16 + j) * 16 + i];
            }
            expect(Math.abs(da[(e * 16 + i) * 32 + kk] - sa)).toBeLessThan(1e-5 * (1 + Math.abs(sa)));
            expect(Math.abs(db[(e * 32 + kk) * 16 + i] - sb)).toBeLessThan(1e-5 * (1 + Math.abs(sb)));
          }
    });

    // D 2, T 3: the JavaScript loops on wasm; D 8, T 8: the SIMD copies and transposes; D 4, T 6: SIMD merges only
    it.each([
      { B: 2, T: 3, H: 4, Hkv: 2, D: 2 },
      { B: 2, T: 8, H: 4, Hkv: 2, D: 8 },
      { B: 3, T: 6, H: 2, Hkv: 2, D: 4 },
    ])('attention layouts: splitQkv and mergeHeads (values by index, and gradients), %o', (d) => {
      const G = d.H / d.Hkv;
      const width = (d.H + 2 * d.Hkv) * d.D;
      const x = weights([d.B * d.T, width], 81);
      const xs = x.dataSync();
      const { q, kT, v } = tf.tidy(() => k.splitQkv(x as tf.Tensor2D, d));
      const at = (b: number, t: number, col: number): number => xs[(b * d.T + t) * width + col];
      const [qs, ks, vs] = [q.arraySync() as number[][][], kT.arraySync() as number[][][], v.arraySync() as number[][][]];
      const qAt = (b: number, h: number, t: number): number[] => qs[b * d.Hkv + Math.floor(h / G)][(h % G) * d.T + t];
      for (let b = 0; b < d.B; b++) {
        for (let t = 0; t < d.T; t++) {
          for (let i = 0; i < d.D; i++) {
            for (let h = 0; h < d.H; h++) expect(qAt(b, h, t)[i]).toBe(at(b, t, h * d.D + i));
            for (let j = 0; j < d.Hkv; j++) {
              expect(ks[b * d.Hkv + j][i][t]).toBe(at(b, t, (d.H + j) * d.D + i));
              expect(vs[b * d.Hkv + j][t][i]).toBe(at(b, t, (d.H + d.Hkv + j) * d.D + i));
            }
          }
        }
      }
      const merged = tf.tidy(() => k.mergeHeads(q, d).arraySync() as number[][]);
      for (let b = 0; b < d.B; b++) for (let t = 0; t < d.T; t++) for (let c = 0; c < d.H * d.D; c++) expect(merged[b * d.T + t][c]).toBe(at(b, t, c));
      tf.dispose([q, kT, v]);
      const r = [weights([d.B * d.Hkv, G * d.T, d.D], 82), weights([d.B * d.Hkv, d.D, d.T], 83), weights([d.B * d.Hkv, d.T, d.D], 84)];
      // The gradients of the moves are the moves back (joinQkv, unmergeHeads): the upstream values, exactly.
      const [rq, rk, rv] = r.map((t) => t.arraySync() as number[][][]);
      const dx = tf.tidy(() =>
        tf
          .grad((xi: tf.Tensor) => {
            const parts = k.splitQkv(xi as tf.Tensor2D, d);
            return tf.addN([tf.sum(tf.mul(parts.q, r[0])), tf.sum(tf.mul(parts.kT, r[1])), tf.sum(tf.mul(parts.v, r[2]))]) as tf.Scalar;
          })(x)
          .arraySync(),
      ) as number[][];
      const mergedGrad = weights([d.B * d.T, d.H * d.D], 85);
      const mg = mergedGrad.arraySync() as number[][];
      const dq = tf.tidy(() =>
        tf
          .grad((qi: tf.Tensor) => tf.sum(tf.mul(k.mergeHeads(qi as tf.Tensor3D, d), mergedGrad)) as tf.Scalar)(r[0])
          .arraySync(),
      ) as number[][][];
      for (let b = 0; b < d.B; b++)
        for (let t = 0; t < d.T; t++)
          for (let i = 0; i < d.D; i++) {
            for (let h = 0; h < d.H; h++) {
              const [e, row] = [b * d.Hkv + Math.floor(h / G), (h % G) * d.T + t];
              expect(dx[b * d.T + t][h * d.D + i]).toBe(rq[e][row][i]);
              expect(dq[e][row][i]).toBe(mg[b * d.T + t][h * d.D + i]);
            }
            for (let j = 0; j < d.Hkv; j++) {
              expect(dx[b * d.T + t][(d.H + j) * d.D + i]).toBe(rk[b * d.Hkv + j][i][t]);
              expect(dx[b * d.T + t][(d.H + d.Hkv + j) * d.D + i]).toBe(rv[b * d.Hkv + j][t][i]);
            }
          }
      tf.dispose(mergedGrad);
      const f = (xi: tf.Tensor): tf.Scalar => {
        const parts = k.splitQkv(xi as tf.Tensor2D, d);
        const m = k.mergeHeads(tf.square(parts.q) as tf.Tensor3D, d);
        return tf.addN([tf.sum(tf.mul(parts.q, r[0])), tf.sum(tf.mul(tf.square(parts.kT), r[1])), tf.sum(tf.mul(parts.v, r[2])), tf.sum(m)]) as tf.Scalar;
      };
      expect(maxGradientError(f, [x], { samples: 20 })).toBeLessThan(2e-3);
    });

    it('layerNorm and rmsNorm', () => {
      const x = weights([4, 6], 31, 2);
      const w = weights([6], 32);
      const b = weights([6], 33);
      const r = weights([4, 6], 34);
      expect(
        maxGradientError((xi, wi, bi) => tf.sum(tf.mul(layerNorm(k, xi as tf.Tensor2D, wi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5), r)), [x, w, b]),
      ).toBeLessThan(3e-3);
      expect(maxGradientError((xi, wi) => tf.sum(tf.mul(rmsNorm(k, xi as tf.Tensor2D, wi as tf.Tensor1D, 1e-5), r)), [x, w])).toBeLessThan(3e-3);
    });

    it('gelu (tanh form) matches its definition and its gradient', () => {
      const x = weights([3, 8], 41, 3);
      const r = weights([3, 8], 42);
      expect(maxGradientError((xi) => tf.sum(tf.mul(gelu(xi as tf.Tensor2D), r)), [x])).toBeLessThan(2e-3);
      const xs = x.dataSync();
      const ys = tf.tidy(() => gelu(x as tf.Tensor2D).dataSync());
      xs.forEach((v, i) => expect(ys[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), 5));
    });

    it('rope (rotate_half convention) and its gradient', () => {
      const rope = new Rope(4, 10000);
      const { cos, sin } = rope.tables(Int32Array.from([0, 3]), 2); // 2 tokens x 2 heads
      const x = weights([4, 4], 51);
      const r = weights([4, 4], 52);
      expect(maxGradientError((xi) => tf.sum(tf.mul(rope.apply(xi as tf.Tensor2D, cos, sin), r)), [x])).toBeLessThan(2e-3);
      // Token at position 3, head 0: pairs (x0, x2) and (x1, x3) rotate by 3 * theta^(-0) and 3 * theta^(-1/2).
      const xs = x.dataSync();
      const out = tf.tidy(() => rope.apply(x as tf.Tensor2D, cos, sin).dataSync());
      const row = 2 * 4;
      const a0 = 3;
      const a1 = 3 / 100;
      expect(out[row + 0]).toBeCloseTo(xs[row] * Math.cos(a0) - xs[row + 2] * Math.sin(a0), 5);
      expect(out[row + 2]).toBeCloseTo(xs[row + 2] * Math.cos(a0) + xs[row] * Math.sin(a0), 5);
      expect(out[row + 1]).toBeCloseTo(xs[row + 1] * Math.cos(a1) - xs[row + 3] * Math.sin(a1), 5);
      tf.dispose([cos, sin]);
      rope.dispose();
    });

    it('stock kernels differentiated through (gradients registered by this package)', () => {
      const a = weights([2, 3, 4], 71);
      const b = weights([2, 4, 3], 72);
      const c = weights([3], 73);
      const f = (ai: tf.Tensor, bi: tf.Tensor, ci: tf.Tensor): tf.Scalar => {
        const p = tf.matMul(ai as tf.Tensor3D, bi as tf.Tensor3D); // [2, 3, 3]
        const s = tf.softmax(tf.add(p, ci));
        const [u, v] = tf.split(tf.transpose(tf.reshape(s, [2, 9]), [1, 0]), [4, 5], 0);
        const m = tf.minimum(tf.clipByValue(tf.exp(tf.neg(u)), 0.5, 0.9), tf.sigmoid(tf.slice(v, [1, 0], [4, 2])));
        const [r0] = tf.unstack(tf.stack([m, tf.square(m)]));
        return tf.add(tf.sum(tf.mul(r0, tf.log(tf.add(tf.square(m), 1)))), tf.mean(tf.div(tf.sub(v, 0.1), tf.slice(tf.add(tf.square(ci), 1), [0], [1]))));
      };
      expect(maxGradientError(f, [a, b, c], { samples: 10 })).toBeLessThan(2e-3);
    });

    it('token log-probs: values, entropies and gradient', () => {
      const logits = weights([3, 5], 61, 3);
      const targets = Int32Array.from([4, 0, 2]);
      const r = weights([3], 62);
      expect(maxGradientError((l) => tf.sum(tf.mul(tokenLogProbs(l as tf.Tensor2D, targets).logprobs, r)), [logits])).toBeLessThan(2e-3);
      const rows = logits.arraySync() as number[][];
      const { logprobs, entropies } = tokenLogProbs(logits as tf.Tensor2D, targets);
      const lp = logprobs.dataSync();
      const en = entropies.dataSync();
      rows.forEach((row, i) => {
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        expect(lp[i]).toBeCloseTo(row[targets[i]] - lse, 5);
        expect(en[i]).toBeCloseTo(-row.reduce((s, v) => s + Math.exp(v - lse) * (v - lse), 0), 5);
      });
      tf.dispose([logprobs, entropies]);
    });
  });
}
