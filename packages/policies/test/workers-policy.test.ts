// Issue 9 item 4: a policy with `workers: 2` samples exactly what `workers: 1` samples (the prompts are shared
// between the threads, each prompt with its own random stream), and its train step on those samples equals the
// one-thread step within float32 summation order.
import type { TrainingItem } from '@srl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKEND } from '../src/backend/test-backend';
import { TfjsTransformerPolicy } from '../src/tfjs-transformer-policy';

const options = { preset: 'llama-tiny', tokenizer: 'byte', backend: TEST_BACKEND, seed: 3 } as const;
const prompts = ['What is 12 + 30?', 'Name a prime number larger than 100.', 'Step 1:', 'Write the next step of the proof that 2 + 2 = 4.'];

describe('TfjsTransformerPolicy with workers: 2', () => {
  let one: TfjsTransformerPolicy;
  let two: TfjsTransformerPolicy;
  beforeAll(async () => {
    one = await TfjsTransformerPolicy.create({ ...options, workers: 1 });
    two = await TfjsTransformerPolicy.create({ ...options, workers: 2 });
  });
  afterAll(() => {
    one.dispose();
    two.dispose();
  });

  it('generates the samples of one thread, then takes the same train step within float32 summation order', async () => {
    const params = { n: 4, maxTokens: 12, temperature: 1 };
    const a = await one.generate(prompts, params);
    const b = await two.generate(prompts, params);
    expect(b).toEqual(a);
    expect(two.rngState()).toEqual(one.rngState());
    const items: TrainingItem[] = a.flatMap((g) =>
      g.samples.map((s, k) => ({ promptTokenIds: g.promptTokenIds, completionTokenIds: s.tokenIds, oldLogprobs: s.logprobs, advantage: k % 2 ? 1 : -1 })),
    );
    const input = {
      objective: { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' } as const,
      items,
      learningRate: 1e-3,
    };
    const ra = await one.trainStep(input);
    const rb = await two.trainStep(input);
    expect(rb.loss).toBeCloseTo(ra.loss, 6);
    expect(Math.abs(rb.gradNorm - ra.gradNorm) / ra.gradNorm).toBeLessThan(1e-4);
    expect(rb.tokens).toBe(ra.tokens);
  });
});
