import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../generation/generate';
import { SeededRng } from '@srl/core';
import { transformerPreset } from '../model/presets';
import { Transformer } from '../model/transformer';
import { scoreSequences } from './score';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';

/**
 * GRPO's "old" log-probs come from sampling and the new ones from scoring: they must agree for unchanged
 * weights. Sampling computes log_softmax in float64 from the cached pass's float32 logits; scoring runs the full
 * pass and a float32 log-softmax. Measured on wasm: at most 7.4e-7 on the tiny presets; tolerance 1e-5.
 */
const TOLERANCE = 1e-5;

for (const kernelCase of TEST_KERNEL_CASES)
  for (const preset of ['gpt2-tiny', 'llama-tiny', 'qwen2-tiny']) {
    describe(`scoreSequences on ${preset} (${kernelCase.label})`, () => {
      let model: Transformer;
      beforeAll(async () => {
        model = Transformer.random(transformerPreset(preset), 8, await useKernelCase(kernelCase));
        tf.tidy(() => {
          for (const v of model.variables.values()) if (v.rank === 2) v.assign(tf.mul(v, 8));
        });
      });
      afterAll(() => model.dispose());

      it('returns the log-probs that sampling reported when scored at the sampling temperature, whatever top-k and top-p', async () => {
        const prompts = [[1, 5, 9], [1], [1, 2, 3, 4, 5, 6, 7, 8]];
        let worst = 0;
        for (const params of [
          { temperature: 1, topP: 1, topK: 0 },
          { temperature: 0.7, topP: 0.8, topK: 20 },
          { temperature: 1.5, topP: 1, topK: 0 },
        ]) {
          const gens = await generate(model, prompts, { n: 2, maxTokens: 10, eosTokenIds: [], rng: new SeededRng(4), ...params });
          const sequences = gens.flatMap((g, p) => g.map((s) => ({ promptTokenIds: prompts[p], completionTokenIds: s.tokenIds })));
          const scores = scoreSequences(model, sequences, 4, params.temperature);
          gens.flat().forEach((s, i) => {
            expect(scores[i].logprobs).toHaveLength(s.tokenIds.length);
            s.logprobs.forEach((lp, j) => (worst = Math.max(worst, Math.abs(lp - scores[i].logprobs[j]))));
            for (const e of scores[i].entropies) expect(e).toBeGreaterThanOrEqual(-1e-5);
          });
        }
        expect(worst).toBeLessThan(TOLERANCE);
      });

      it('gives an empty result for an empty completion and the same scores in any micro-batching', () => {
        const seqs = [
          { promptTokenIds: [1, 2], completionTokenIds: [] },
          { promptTokenIds: [1], completionTokenIds: [3, 4, 5] },
          { promptTokenIds: [7, 8, 9, 10], completionTokenIds: [11] },
        ];
        const a = scoreSequences(model, seqs);
        const b = scoreSequences(model, seqs, 1);
        expect(a[0]).toEqual({ logprobs: [], entropies: [] });
        a.forEach((s, i) => s.logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(b[i].logprobs[j], 5)));
      });
    });
  }
