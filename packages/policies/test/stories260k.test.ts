import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend/select-backend';
import { ALL_KERNEL_CASES, useKernelCase } from '../src/kernels/test-kernels';
import { configFromHf, readSafetensors } from '../src/checkpoint';
import { generate } from '../src/generation/generate';
import { SeededRng } from '@srl/core';
import { Transformer } from '../src/model/transformer';
import type { TransformerConfig } from '../src/model/transformer-config';
import { TEST_BACKEND } from '../src/backend/test-backend';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dir = path.resolve(repoRoot, '../shared/data/models/stories260K');

/** The checkpoint's config.json as srl reads any Hugging Face checkpoint's. */
function loadConfig(): TransformerConfig {
  return configFromHf(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')));
}

const expected = readFileSync(path.join(dir, 'reference_greedy_ids.txt'), 'utf8').trim().split(/\s+/).map(Number);

// The real pretrained checkpoint (Hugging Face layout, GQA 8/4, tied embeddings): greedy decoding from BOS must
// reproduce llama2.c's 80 token ids exactly, through the KV cache and without it, with every kernel set.
for (const kernelCase of ALL_KERNEL_CASES) {
  describe(`stories260K (${kernelCase.label})`, () => {
    let model: Transformer;
    beforeAll(async () => {
      const kernels = await useKernelCase(kernelCase);
      model = Transformer.fromHuggingFace(loadConfig(), readSafetensors(path.join(dir, 'model.safetensors')), kernels);
    });
    afterAll(async () => {
      model.dispose();
      await selectBackend({ backend: TEST_BACKEND });
    });

    it('loads every weight: 80 reference ids, 260,032 parameters', () => {
      expect(expected).toHaveLength(80);
      // embed 512x64 + 5 layers x (2 norms + q 64x64 + k, v 32x64 + o 64x64 + 3 x 64x172) + final norm
      expect(model.parameterCount()).toBe(512 * 64 + 5 * (64 + 64 + 4096 + 2048 + 2048 + 4096 + 3 * 64 * 172) + 64);
    });

    // The uncached path on the plain JavaScript backend takes seconds: once (on wasm) is enough.
    for (const useCache of kernelCase.backend === 'wasm' ? [true, false] : [true]) {
      it(`reproduces the reference greedy ids ${useCache ? 'with' : 'without'} the KV cache`, async () => {
        const before = tf.memory().numTensors;
        const [[sample]] = await generate(model, [[1]], {
          n: 1,
          temperature: 0,
          topP: 1,
          topK: 0,
          maxTokens: 80,
          eosTokenIds: [],
          rng: new SeededRng(0),
          useCache,
        });
        expect(sample.tokenIds).toEqual(expected);
        expect(sample.finishReason).toBe('length');
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}
