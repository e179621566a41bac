import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { TEST_BACKEND, TEST_BACKENDS } from '../backend/test-backend';
import { SeededRng } from '@srl/core';
import { causalProducts } from '../model/attention';
import { KvCache } from '../model/kv-cache';
import { embedding } from '../model/ops/embedding';
import { tokenLogProbs } from '../model/ops/token-log-probs';
import { transformerPreset } from '../model/presets';
import { Transformer } from '../model/transformer';
import { referenceKernels } from './reference-kernels';
import { selectKernels } from './select-kernels';

/**
 * The wasm kernel set against the reference set on the same weights: logits of the training and the inference
 * pass, token log-probs, every parameter's gradient, and decoding steps (logits and cache contents) on rows of
 * different lengths. Measured worst differences on the three tiny presets (x8 weights, logits spread over ~+-30):
 * wasm: training-pass logits 2.3e-6 (fused SIMD norms, GELU and attention softmax sum in four lanes), gradients
 * 5.7e-6 relative (qwen2-tiny; the backward's products on the SIMD product and fused norm gradients),
 * inference-pass logits 2.3e-6, log-probs 9.5e-7, decoding logits 2.3e-6, cache 1.2e-6 (the fused kernels sum in
 * SIMD lanes); tensorflow: everything 0 but gradients, 3.6e-7. Attention alone (causalProducts below): 3.8e-7.
 * The bounds are ~5-10x those; gradients relative to the largest entry.
 */
const LOGITS = 2e-5;
const LOGPROBS = 1e-5;
const GRADIENTS = 3e-5;
const CACHE = 1e-5;

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

// Each backend's own kernel set against the reference set on that backend (tensorflow where it is installed).
for (const backend of (['wasm', 'tensorflow'] as const).filter((b) => b === 'wasm' || TEST_BACKENDS.includes(b)))
  describe(`${backend} kernels = reference kernels (on the ${backend} backend)`, () => {
    beforeAll(async () => {
      await selectBackend({ backend });
    });
    afterAll(async () => {
      await selectBackend({ backend: TEST_BACKEND });
    });

    for (const preset of ['gpt2-tiny', 'llama-tiny', 'qwen2-tiny']) {
      it(`${preset}: logits, log-probs, gradients, decoding`, () => {
        const fast = selectKernels(backend);
        expect(fast.name).toBe(backend);
        const models = [Transformer.random(transformerPreset(preset), 3, fast), Transformer.random(transformerPreset(preset), 3, referenceKernels)];
        for (const model of models) {
          tf.tidy(() => {
            for (const v of model.variables.values()) if (v.rank === 2) v.assign(tf.mul(v, 8));
          });
        }
        const before = tf.memory().numTensors;
        const ids = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 0, 0, 0, 0, 0, 0]); // two rows of 8 and 3 tokens
        const rows = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 8, 9]);
        const targets = Int32Array.from([2, 3, 4, 5, 6, 7, 8, 8, 0]);
        const batch = { ids, batch: 2, length: 8 };
        const pass = (model: Transformer, mode: 'train' | 'score'): { logits: Float32Array; logprobs: Float32Array } =>
          tf.tidy(() => {
            const { logits } = model.forward(batch, { mode, outputRows: rows });
            const lp = tokenLogProbs(logits, targets).logprobs;
            return { logits: logits.dataSync() as Float32Array, logprobs: lp.dataSync() as Float32Array };
          });
        for (const mode of ['train', 'score'] as const) {
          const [a, b] = models.map((m) => pass(m, mode));
          expect(maxAbs(a.logits, b.logits), `${mode} logits`).toBeLessThan(LOGITS);
          expect(maxAbs(a.logprobs, b.logprobs), `${mode} log-probs`).toBeLessThan(LOGPROBS);
        }
        const grads = models.map((m) => {
          const { value, grads: g } = tf.variableGrads(
            () => tf.neg(tf.mean(tokenLogProbs(m.forward(batch, { outputRows: rows }).logits, targets).logprobs)) as tf.Scalar,
            [...m.variables.values()],
          );
          const out = new Map([...m.variables].map(([name, v]) => [name, g[v.name].dataSync() as Float32Array]));
          tf.dispose([value, ...Object.values(g)]);
          return out;
        });
        for (const [name, g] of grads[0]) {
          const ref = grads[1].get(name) as Float32Array;
          const scale = Math.max(1e-3, ...Array.from(ref, Math.abs));
          expect(maxAbs(g, ref) / scale, `gradient of ${name}`).toBeLessThan(GRADIENTS);
        }

        // Decoding: prefill two prompts (5 and 2 tokens), three cache rows, five steps.
        const prompts = { ids: Int32Array.from([1, 2, 3, 4, 5, 9, 8, 0, 0, 0]), batch: 2, length: 5 };
        const caches = models.map((m) => {
          const prefill = tf.tidy(() => m.forward(prompts, { mode: 'prefill' }));
          const cache = KvCache.fromPrefill(m.kernels, prefill.kv, Int32Array.from([0, 0, 1]), 12);
          tf.dispose(prefill);
          return cache;
        });
        const positions = Int32Array.from([5, 5, 2]);
        for (let step = 0; step < 5; step++) {
          const next = Int32Array.from([10 + step, 20 + step, 30 + step]);
          const [a, b] = models.map((m, i) => tf.tidy(() => m.decode(caches[i], next, positions).dataSync()));
          expect(maxAbs(a, b), `decode step ${step} logits`).toBeLessThan(LOGITS);
          positions.forEach((_, r) => positions[r]++);
        }
        for (let l = 0; l < models[0].config.numLayers; l++) {
          const [a, b] = caches.map((c) => c.layer(l));
          expect(maxAbs(a.keys.dataSync(), b.keys.dataSync())).toBeLessThan(CACHE);
          expect(maxAbs(a.values.dataSync(), b.values.dataSync())).toBeLessThan(CACHE);
        }
        caches.forEach((c) => c.dispose());
        expect(tf.memory().numTensors).toBe(before);
        models.forEach((m) => m.dispose());
      });
    }

    // S = 12: the wasm set's fused masked softmax (widths that are multiples of 4); S = 9: its fallback.
    for (const S of [9, 12])
      it(`maskedAttention with a shared [R, S] mask and a per-row [B, R, S] mask: values and gradients (S = ${S})`, () => {
        const fast = selectKernels(backend);
        const rng = new SeededRng(11);
        const [B, h, R, D] = [2, 2, 6, 4];
        const random = (shape: [number, number, number]): tf.Tensor3D =>
          tf.tensor3d(
            Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => 2 * rng.normal()),
            shape,
          );
        const inputs = [random([B * h, R, D]), random([B * h, D, S]), random([B * h, S, D])];
        const w = random([B * h, R, D]);
        const maskOf = (rows: number, seen: (r: number, i: number) => number): Float32Array => {
          const m = new Float32Array(rows * R * S).fill(-1e9);
          for (let i = 0; i < rows; i++) for (let r = 0; r < R; r++) m.fill(0, (i * R + r) * S, (i * R + r) * S + seen(r, i));
          return m;
        };
        const masks = [
          tf.tensor2d(
            maskOf(1, (r) => r + 3),
            [R, S],
          ),
          tf.tensor3d(
            maskOf(B, (r, b) => Math.min(S, r + 1 + 2 * b)),
            [B, R, S],
          ),
        ];
        const before = tf.memory().numTensors;
        for (const mask of masks) {
          const [a, b] = [fast, referenceKernels].map((k) => {
            const f = (q: tf.Tensor, kT: tf.Tensor, v: tf.Tensor): tf.Scalar =>
              tf.sum(tf.mul(k.maskedAttention(q as tf.Tensor3D, kT as tf.Tensor3D, v as tf.Tensor3D, mask), w));
            const { value, grads } = tf.valueAndGrads(f)(inputs);
            const plain = tf.tidy(() => k.maskedAttention(inputs[0], inputs[1], inputs[2], mask));
            const out = [plain, ...grads].map((t) => t.dataSync() as Float32Array);
            tf.dispose([plain, value, ...grads]);
            return out;
          });
          a.forEach((x, i) => {
            const scale = Math.max(1, ...Array.from(b[i], Math.abs));
            expect(maxAbs(x, b[i]) / scale, `mask rank ${mask.rank}: ${i === 0 ? 'value' : `gradient ${i}`}`).toBeLessThan(GRADIENTS);
          });
        }
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([...inputs, w, ...masks]);
      });

    it("the embedding gradient (scatterAddRows where the set has one) equals the reference set's, repeated rows included", () => {
      const fast = selectKernels(backend);
      const table = tf.randomNormal([6, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
      const ids = Int32Array.from([3, 0, 3, 5, 3, 1]);
      const w = tf.randomNormal([ids.length, 5], 0, 1, 'float32', 3);
      const before = tf.memory().numTensors;
      const [a, b] = [fast, referenceKernels].map((k) => {
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embedding(k, t as tf.Tensor2D, ids), w)))(table);
        const out = g.dataSync() as Float32Array;
        g.dispose();
        return out;
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(maxAbs(a, b)).toBeLessThan(1e-6);
      expect(Array.from(b.slice(2 * 5, 3 * 5))).toEqual([0, 0, 0, 0, 0]); // row 2 is never gathered
      tf.dispose([table, w]);
    });
  });

describe('wasm attention = reference attention (fused softmax, SIMD products and their fallbacks)', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
  });

  // T 24 in blocks of 8: key lengths 8, 16, 24 (the fused kernels); T 23: lengths not a multiple of 4 (stock kernels).
  it.each([
    [24, 8],
    [24, 1000],
    [23, 8],
  ])('causalProducts over T %i in query blocks of %i: values and gradients', (T, block) => {
    const rng = new SeededRng(7);
    const [n, G, D] = [3, 2, 8];
    const random = (shape: [number, number, number]): tf.Tensor3D =>
      tf.tensor3d(
        Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => 2 * rng.normal()),
        shape,
      );
    const inputs = [random([n, G * T, D]), random([n, D, T]), random([n, T, D])];
    const w = random([n, G * T, D]);
    const before = tf.memory().numTensors;
    const [fast, ref] = [selectKernels('wasm'), referenceKernels].map((k) => {
      const f = (q: tf.Tensor, kT: tf.Tensor, v: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(causalProducts(k, q as tf.Tensor3D, kT as tf.Tensor3D, v as tf.Tensor3D, G, T, block), w));
      const { value, grads } = tf.valueAndGrads(f)(inputs);
      const out = [value, ...grads].map((t) => t.dataSync() as Float32Array);
      tf.dispose([value, ...grads]);
      return out;
    });
    expect(tf.memory().numTensors).toBe(before);
    fast.forEach((a, i) => {
      const scale = Math.max(1, ...Array.from(ref[i], Math.abs));
      expect(maxAbs(a, ref[i]) / scale, i === 0 ? 'value' : `gradient ${i}`).toBeLessThan(GRADIENTS);
    });
    tf.dispose([...inputs, w]);
  });
});

describe('kernel sets and backends', () => {
  it('refuses a cache from another kernel set, and a model used on another backend', async () => {
    await selectBackend({ backend: 'wasm' });
    const model = Transformer.random(transformerPreset('llama-tiny'), 1, selectKernels('wasm'));
    const prefill = tf.tidy(() => model.forward({ ids: Int32Array.from([1, 2]), batch: 1, length: 2 }, { mode: 'prefill' }));
    const cache = KvCache.fromPrefill(referenceKernels, prefill.kv, Int32Array.from([0]), 4);
    expect(() => tf.tidy(() => model.decode(cache, Int32Array.from([3]), Int32Array.from([2])))).toThrow(/cache was made with the reference kernels/);
    await selectBackend({ backend: 'cpu' });
    expect(() => tf.tidy(() => model.forward({ ids: Int32Array.from([1]), batch: 1, length: 1 }))).toThrow(
      /wasm kernels for the wasm backend, but the active backend is cpu/,
    );
    expect(() => selectKernels('wasm')).toThrow(/needs the wasm backend/);
    expect(selectKernels('auto').name).toBe('reference');
    await selectBackend({ backend: 'wasm' });
    cache.dispose();
    tf.dispose(prefill);
    model.dispose();
    await selectBackend({ backend: TEST_BACKEND });
  });
});
