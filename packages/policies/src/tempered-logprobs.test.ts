import * as tf from '@tensorflow/tfjs-core';
import type { TrainingItem } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { TfjsTransformerPolicy } from './tfjs-transformer-policy';
import { TEST_BACKEND } from './backend/test-backend';

// Sampling at T and scoring at T agree (TRL and verl score logits / T), on the tfjs policy after a few SFT steps
// on one sentence, so its next-token distributions are sharp and logprobs at T = 0.7 and T = 1 differ clearly.

describe('tempered log-probs', () => {
  it("at T = 0.7 the samples' logprobs equal score(…, { temperature: 0.7 }) within 1e-5, and a train step sees ratio 1", async () => {
    const policy = await TfjsTransformerPolicy.create({ preset: 'llama-tiny', config: {}, backend: TEST_BACKEND, seed: 3, weightDecay: 0, saveDtype: 'F32' });
    try {
      const text = policy.tokenize('Once upon a time there was a little dog who liked to run in the park.');
      const sft = [{ promptTokenIds: text.slice(0, 4), completionTokenIds: text.slice(4) }];
      for (let i = 0; i < 15; i++) await policy.trainStep({ objective: { kind: 'cross-entropy' }, items: sft, learningRate: 1e-2 });
      const before = tf.memory().numTensors;
      const gens = await policy.generate(['Once upon a time', 'The little dog'], { n: 3, maxTokens: 24, temperature: 0.7, topP: 0.95, seed: 5 });
      const items: TrainingItem[] = gens.flatMap((g) =>
        g.samples.map((s, i) => ({ promptTokenIds: g.promptTokenIds, completionTokenIds: s.tokenIds, oldLogprobs: s.logprobs, advantage: i - 1 })),
      );
      expect(items.reduce((a, it) => a + it.completionTokenIds.length, 0)).toBeGreaterThan(60);
      const tempered = await policy.score(items, { temperature: 0.7 });
      const plain = await policy.score(items);
      let maxDiff = 0;
      let maxPlainDiff = 0;
      tempered.forEach((sc, i) =>
        sc.logprobs.forEach((lp, j) => {
          maxDiff = Math.max(maxDiff, Math.abs(lp - items[i].oldLogprobs![j]));
          maxPlainDiff = Math.max(maxPlainDiff, Math.abs(plain[i].logprobs[j] - items[i].oldLogprobs![j]));
        }),
      );
      expect(maxDiff).toBeLessThan(1e-5);
      expect(maxPlainDiff).toBeGreaterThan(1e-2); // T = 1 scoring would be off-policy
      const objective = { kind: 'clipped-policy-gradient' as const, clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' as const };
      const r = await policy.trainStep({ objective: { ...objective, temperature: 0.7 }, items, learningRate: 0 });
      expect(r.clipFraction).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      policy.dispose();
    }
  });
});
