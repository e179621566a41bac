import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend/select-backend';
import { ALL_KERNEL_CASES, useKernelCase } from '../src/kernels/test-kernels';
import { loadHfCheckpoint } from '../src/checkpoint/hf-checkpoint';
import { readSafetensors } from '../src/checkpoint/safetensors';
import { generate } from '../src/generation/generate';
import { SeededRng } from '@srl/core';
import { Transformer } from '../src/model/transformer';
import { TEST_BACKEND } from '../src/backend/test-backend';

// A tiny random Qwen2ForCausalLM saved by Hugging Face transformers 5.18 with its logits for a chat prompt and 24
// greedy ids (src/checkpoint/fixtures/make-transformers-fixture.py): our forward pass must match transformers'.
const fixture = fileURLToPath(new URL('../src/checkpoint/fixtures/transformers-tiny-qwen2/', import.meta.url));
const reference = JSON.parse(readFileSync(path.join(fixture, 'reference.json'), 'utf8'));
const refTensors = readSafetensors(path.join(fixture, 'reference.safetensors'));

for (const kernelCase of ALL_KERNEL_CASES) {
  describe(`transformers Qwen2 reference (${kernelCase.label})`, () => {
    let model: Transformer;
    beforeAll(async () => {
      const kernels = await useKernelCase(kernelCase);
      const ckpt = loadHfCheckpoint(fixture);
      model = Transformer.fromHuggingFace(ckpt.config, ckpt.tensors, kernels);
    });
    afterAll(async () => {
      model.dispose();
      await selectBackend({ backend: TEST_BACKEND });
    });

    it("gives transformers' logits for every prompt position (measured max abs difference 6e-8; bound 1e-6)", () => {
      const ids = Int32Array.from(reference.prompt_ids as number[]);
      const expected = refTensors.get('logits')!.data;
      // The differentiable (training) pass and the inference pass (fused kernels with the wasm set).
      for (const mode of ['train', 'score'] as const) {
        const logits = tf.tidy(() => model.forward({ ids, batch: 1, length: ids.length }, { mode }).logits.dataSync());
        expect(logits.length).toBe(expected.length);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
        // The smallest greedy margin in the reference is 1.3e-3: the difference must stay far below it.
        expect(worst).toBeLessThan(1e-6);
      }
    });

    it('reproduces its 24 greedy ids, with and without the KV cache', async () => {
      for (const useCache of [true, false]) {
        const [[s]] = await generate(model, [reference.prompt_ids], {
          n: 1,
          temperature: 0,
          topP: 1,
          topK: 0,
          maxTokens: 24,
          eosTokenIds: [],
          rng: new SeededRng(),
          useCache,
        });
        expect(s.tokenIds).toEqual(reference.greedy_ids);
      }
    });
  });
}
