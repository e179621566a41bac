import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../backend/select-backend';
import { TEST_BACKEND } from '../../backend/test-backend';
import { KvCache } from '../../model/kv-cache';
import { transformerPreset } from '../../model/presets';
import type { ResolvedWeights } from '../../model/resolve-weights';
import { Transformer } from '../../model/transformer';
import { selectKernels } from '../select-kernels';
import type { TransformerKernels } from '../transformer-kernels';
import { wasmInternals } from './wasm-internals';

// The decoder (no tfjs ops between the blocks) against the wasm set's tfjs-op decoding on the same weights: the
// same kernels' arithmetic, so the same floats, logits and cache contents alike.
describe('wasm heap decoder = decoding on tfjs ops', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
  });

  for (const preset of ['gpt2-tiny', 'llama-tiny', 'qwen2-tiny']) {
    it(`${preset}: logits and caches bit for bit over steps on rows of different lengths; no tensors or ids left`, () => {
      const wasm = selectKernels('wasm');
      const opsOnly: TransformerKernels = { ...wasm, decoder: undefined };
      const models = [wasm, opsOnly].map((k) => Transformer.random(transformerPreset(preset), 4, k));
      for (const m of models) tf.tidy(() => m.variables.forEach((v) => v.rank === 2 && v.assign(tf.mul(v, 8))));
      const decoder = wasm.decoder?.(models[0].config) ?? null;
      expect(decoder).not.toBeNull(); // the comparison below is not of one path with itself
      decoder?.dispose();
      const before = tf.memory().numTensors;
      const prompts = { ids: Int32Array.from([1, 2, 3, 4, 5, 9, 8, 0, 0, 0]), batch: 2, length: 5 };
      const caches = models.map((m) => {
        const prefill = tf.tidy(() => m.forward(prompts, { mode: 'prefill' }));
        const cache = KvCache.fromPrefill(m.kernels, prefill.kv, Int32Array.from([0, 1, 0]), 14);
        tf.dispose(prefill);
        return cache;
      });
      const positions = Int32Array.from([5, 2, 5]);
      const be = wasmInternals();
      const weights = models.map((m) => tf.tidy(() => m.resolveWeights() as unknown as tf.TensorContainer) as unknown as ResolvedWeights);
      for (let step = 0; step < 8; step++) {
        const next = Int32Array.from([10 + step, 20 + step, 30 + step]);
        const ids = be?.dataIdNextNumber;
        const a = models[0].decodeLogits(caches[0], next, positions, weights[0]);
        // After the first step the workspace is reused: no new tensor ids registered.
        if (step > 0) expect(be?.dataIdNextNumber).toBe(ids);
        const b = models[1].decodeLogits(caches[1], next, positions, weights[1]);
        expect(Array.from(a), `step ${step}`).toEqual(Array.from(b));
        positions.forEach((_, r) => positions[r]++);
      }
      models.forEach((m, i) => {
        // Llama's concatenated q/k/v (GPT-2's are the variables themselves)
        const own = new Set<tf.Tensor>(m.variables.values());
        tf.dispose(
          weights[i].layers.flatMap((l): (tf.Tensor | undefined)[] => [l.qkv.w, l.qkv.b]).filter((t): t is tf.Tensor => t !== undefined && !own.has(t)),
        );
      });
      for (let l = 0; l < models[0].config.numLayers; l++) {
        const [a, b] = caches.map((c) => c.layer(l));
        expect(Array.from(a.keys.dataSync())).toEqual(Array.from(b.keys.dataSync()));
        expect(Array.from(a.values.dataSync())).toEqual(Array.from(b.values.dataSync()));
      }
      // decode() returns the decoder's logits as a tensor
      const tensor = tf.tidy(() => models[0].decode(caches[0], Int32Array.from([1, 2, 3]), positions).dataSync());
      expect(Array.from(tensor)).toEqual(Array.from(models[1].decodeLogits(caches[1], Int32Array.from([1, 2, 3]), positions)));
      caches.forEach((c) => c.dispose());
      expect(tf.memory().numTensors).toBe(before);
      models.forEach((m) => m.dispose());
    });
  }

  it('16 rows and more: the weights packed once per weights object, the same bits as the ops; new weights packed anew', () => {
    const wasm = selectKernels('wasm');
    const opsOnly: TransformerKernels = { ...wasm, decoder: undefined };
    const models = [wasm, opsOnly].map((k) => Transformer.random(transformerPreset('llama-tiny'), 5, k));
    const R = 18; // four groups of four rows, then two single rows
    const prompts = { ids: Int32Array.from([1, 2, 3, 4, 5, 9, 8, 7, 6, 0]), batch: 2, length: 5 };
    const caches = models.map((m) => {
      const prefill = tf.tidy(() => m.forward(prompts, { mode: 'prefill' }));
      const cache = KvCache.fromPrefill(
        m.kernels,
        prefill.kv,
        Int32Array.from({ length: R }, (_, r) => r % 2),
        12,
      );
      tf.dispose(prefill);
      return cache;
    });
    const resolve = (m: Transformer): ResolvedWeights => tf.tidy(() => m.resolveWeights() as unknown as tf.TensorContainer) as unknown as ResolvedWeights;
    const release = (m: Transformer, w: ResolvedWeights): void => {
      const own = new Set<tf.Tensor>(m.variables.values());
      tf.dispose(w.layers.map((l) => l.qkv.w).filter((t) => !own.has(t)));
    };
    const positions = Int32Array.from({ length: R }, () => 5);
    for (const round of [0, 1]) {
      // round 1: every weight changed (a train step between two generate calls), a new weights object
      if (round === 1) for (const m of models) tf.tidy(() => m.variables.forEach((v) => v.assign(tf.mul(v, 1.5))));
      const weights = models.map(resolve);
      for (let step = 0; step < 3; step++) {
        const next = Int32Array.from({ length: R }, (_, r) => (7 * r + step + round) % 32);
        const [a, b] = models.map((m, i) => m.decodeLogits(caches[i], next, positions, weights[i]));
        expect(Array.from(a), `round ${round}, step ${step}`).toEqual(Array.from(b));
        positions.forEach((_, r) => positions[r]++);
      }
      models.forEach((m, i) => release(m, weights[i]));
    }
    caches.forEach((c) => c.dispose());
    models.forEach((m) => m.dispose());
  });

  it('refuses a position outside the cache, or ids and positions not one per row, before anything is written', () => {
    const model = Transformer.random(transformerPreset('llama-tiny'), 4, selectKernels('wasm'));
    const prefill = tf.tidy(() => model.forward({ ids: Int32Array.from([1, 2, 3]), batch: 1, length: 3 }, { mode: 'prefill' }));
    const cache = KvCache.fromPrefill(model.kernels, prefill.kv, Int32Array.from([0, 0]), 6);
    tf.dispose(prefill);
    const keys = Array.from(cache.layer(0).keys.dataSync());
    const ids = Int32Array.from([4, 5]);
    expect(() => model.decodeLogits(cache, ids, Int32Array.from([3, 6]))).toThrow(/position 6, expected 0 to 5 \(cache capacity 6/);
    expect(() => model.decodeLogits(cache, ids, Int32Array.from([-1, 3]))).toThrow(/position -1/);
    expect(() => model.decodeLogits(cache, Int32Array.from([4]), Int32Array.from([3]))).toThrow(/1 ids and 1 positions for a cache of 2 rows/);
    expect(Array.from(cache.layer(0).keys.dataSync())).toEqual(keys);
    cache.dispose();
    model.dispose();
  });
});
