import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { KvCache } from './kv-cache';
import { transformerPreset } from './presets';
import { Transformer } from './transformer';
import { TEST_BACKEND } from '../backend/test-backend';

// The fused wasm decoding kernels against the op-by-op path, step by step, on rows of different lengths; and the
// op-by-op path with in-place cache writes (cpu) against the one with functional writes (other backends).
describe('decodeWasm', () => {
  beforeAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
  });

  for (const [preset, backend] of [['gpt2-tiny', 'wasm'], ['llama-tiny', 'wasm'], ['qwen2-tiny', 'wasm'], ['llama-tiny', 'cpu']] as const) {
    it(`${preset} on ${backend}: same logits and same cache as the ${backend === 'wasm' ? 'generic decoding step' : 'functional cache writes'}`, async () => {
      await selectBackend({ backend });
      const model = Transformer.random(transformerPreset(preset), 3);
      tf.tidy(() => {
        for (const v of model.variables.values()) if (v.rank === 2) v.assign(tf.mul(v, 8));
      });
      const before = tf.memory().numTensors;
      const prompts = Int32Array.from([1, 2, 3, 4, 5, 9, 8, 0, 0, 0]); // two prompts of lengths 5 and 2, padded
      const prefill = tf.tidy(() => model.forward({ ids: prompts, batch: 2, length: 5 }, { collectKv: true }));
      const rowPrompt = Int32Array.from([0, 0, 1]);
      const caches = [KvCache.fromPrefill(prefill.kv, rowPrompt, 12), KvCache.fromPrefill(prefill.kv, rowPrompt, 12, { functional: backend === 'cpu' })];
      tf.dispose(prefill);
      const positions = Int32Array.from([5, 5, 2]);
      let worst = 0;
      for (let step = 0; step < 5; step++) {
        const ids = Int32Array.from([10 + step, 20 + step, 30 + step]);
        const [fast, generic] = caches.map((cache, i) => tf.tidy(() => model.decode(cache, ids, positions, undefined, { generic: i === 1 }).dataSync()));
        fast.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - generic[j]))));
        positions.forEach((_, r) => positions[r]++);
      }
      for (let l = 0; l < model.config.numLayers; l++) {
        const [a, b] = caches.map((cache) => cache.layer(l));
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a.keys, b.keys))).dataSync()[0])).toBeLessThan(1e-5);
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a.values, b.values))).dataSync()[0])).toBeLessThan(1e-5);
      }
      caches.forEach((c) => c.dispose());
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      expect(worst).toBeLessThan(1e-4);
      await selectBackend({ backend: TEST_BACKEND });
    });
  }
});
