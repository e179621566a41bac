import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend/select-backend';
import { loadHfCheckpoint } from '../src/checkpoint/hf-checkpoint';
import { readSafetensors } from '../src/checkpoint/safetensors';
import { generate } from '../src/generation/generate';
import { SeededRng } from '@srl/core';
import { Transformer } from '../src/model/transformer';
import { TEST_BACKEND, TEST_BACKENDS } from '../src/backend/test-backend';

// A tiny random Qwen2ForCausalLM saved by Hugging Face transformers 5.18 with its logits for a chat prompt and 24
// greedy ids (src/checkpoint/fixtures/make-transformers-fixture.py): our forward pass must match transformers'.
const fixture = fileURLToPath(new URL('../src/checkpoint/fixtures/transformers-tiny-qwen2/', import.meta.url));
const reference = JSON.parse(readFileSync(path.join(fixture, 'reference.json'), 'utf8'));
const refTensors = readSafetensors(path.join(fixture, 'reference.safetensors'));

for (const backend of TEST_BACKENDS) {
  describe(`transformers Qwen2 reference on ${backend}`, () => {
    let model: Transformer;
    beforeAll(async () => {
      await selectBackend({ backend });
      const ckpt = loadHfCheckpoint(fixture);
      model = Transformer.fromHuggingFace(ckpt.config, ckpt.tensors);
    });
    afterAll(async () => {
      model.dispose();
      await selectBackend({ backend: TEST_BACKEND });
    });

    it('gives transformers\' logits for every prompt position (measured max abs difference 6e-8; bound 1e-6)', () => {
      const ids = Int32Array.from(reference.prompt_ids as number[]);
      const expected = refTensors.get('logits')!.data;
      // The differentiable (training) pass and the inference pass (fused kernels on wasm).
      for (const inference of [false, true]) {
        const logits = tf.tidy(() => model.forward({ ids, batch: 1, length: ids.length }, { inference }).logits.dataSync());
        expect(logits.length).toBe(expected.length);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
        // The smallest greedy margin in the reference is 1.3e-3: the difference must stay far below it.
        expect(worst).toBeLessThan(1e-6);
      }
    });

    it('reproduces its 24 greedy ids, with and without the KV cache', async () => {
      for (const useCache of [true, false]) {
        const [[s]] = await generate(model, [reference.prompt_ids], { n: 1, temperature: 0, topP: 1, topK: 0, maxTokens: 24, eosTokenIds: [], rng: new SeededRng(), useCache });
        expect(s.tokenIds).toEqual(reference.greedy_ids);
      }
    });
  });
}
