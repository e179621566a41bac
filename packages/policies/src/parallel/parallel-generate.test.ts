import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@srl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { TEST_BACKEND } from '../backend/test-backend';
import { generate, type GeneratedSequence, type GenerateOptions } from '../generation/generate';
import { promptStreams } from '../generation/prompt-streams';
import { selectKernels } from '../kernels/select-kernels';
import { transformerPreset } from '../model/presets';
import { Transformer } from '../model/transformer';
import { GradientPool } from './gradient-pool';
import { generateAcrossLanes } from './parallel-generate';

// Prompts of different lengths (so each thread's batch pads differently); token 7 ends some samples early (so
// the cache is compacted at different steps in each thread).
const prompts = [
  [1, 5, 9, 13, 17, 21, 25, 29, 33],
  [1, 2],
  [1, 40, 41, 42, 43, 44],
  [1, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102],
];
const options = (seed: number): GenerateOptions => ({
  n: 5,
  maxTokens: 10,
  temperature: 1,
  topP: 0.95,
  topK: 0,
  eosTokenIds: [7, 11, 13],
  rng: new SeededRng(seed),
});

/**
 * wasm and cpu compute each row of a product on its own, so a thread's share samples bit for bit what one thread
 * samples. TensorFlow's CPU kernels (oneDNN) round a row by the batch it is in: there the tokens and finish reasons
 * must match and the log-probs agree to float32 rounding (~1e-8 observed).
 */
const rowIndependent = TEST_BACKEND === 'wasm' || TEST_BACKEND === 'cpu';
function expectSameSamples(actual: GeneratedSequence[][], expected: GeneratedSequence[][]): void {
  if (rowIndependent) {
    expect(actual).toEqual(expected);
    return;
  }
  const strip = (g: GeneratedSequence[][]) => g.map((p) => p.map(({ tokenIds, finishReason }) => ({ tokenIds, finishReason })));
  expect(strip(actual)).toEqual(strip(expected));
  actual.forEach((p, i) => p.forEach((s, j) => s.logprobs.forEach((l, t) => expect(Math.abs(l - expected[i]![j]!.logprobs[t]!)).toBeLessThan(1e-6))));
}

describe('generateAcrossLanes (prompts shared between threads)', () => {
  let pool: GradientPool;
  let model: Transformer;
  beforeAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
    const kernels = selectKernels();
    pool = await GradientPool.start({ lanes: 2, config: transformerPreset('llama-tiny'), backend: TEST_BACKEND, kernels: kernels.name });
    model = Transformer.random(transformerPreset('llama-tiny'), 3, kernels);
  });
  afterAll(async () => {
    model.dispose();
    await pool.dispose();
  });

  it('samples exactly what one thread samples, and leaves the caller rng where one thread leaves it', async () => {
    const oneRng = options(21);
    const one = await generate(model, prompts, oneRng);
    const twoRng = options(21);
    const two = await generateAcrossLanes(pool, model, prompts, twoRng);
    expectSameSamples(two, one);
    expect(twoRng.rng.state()).toEqual(oneRng.rng.state());
    // Both threads did sample, and some samples ended on an eos token.
    expect(one.flat().some((s) => s.finishReason === 'eos')).toBe(true);
    expect(one.flat().some((s) => s.finishReason === 'length')).toBe(true);
  });

  it("a prompt's samples do not depend on the other prompts of the call", async () => {
    const streams = promptStreams(new SeededRng(4), prompts.length);
    const all = await generate(model, prompts, { ...options(0), streams: promptStreams(new SeededRng(4), prompts.length) });
    const alone = await generate(model, [prompts[3]], { ...options(0), streams: [streams[3]] });
    expectSameSamples([alone[0]!], [all[3]!]);
  });

  it('follows the weights of the main copy and leaks no tensors in either thread', async () => {
    const before = await generateAcrossLanes(pool, model, prompts, options(5));
    const tensors = tf.memory().numTensors;
    const workerTensors = pool.workerTensors[0];
    tf.tidy(() => {
      for (const v of model.variables.values()) v.assign(tf.mul(v, 1.5));
    });
    const after = await generateAcrossLanes(pool, model, prompts, options(5));
    expectSameSamples(after, await generate(model, prompts, options(5)));
    expect(after).not.toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(pool.workerTensors[0]).toBe(workerTensors);
  });
});
