import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingItem, TrainStepInput, TrainStepResult } from '@srl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { TEST_BACKEND } from '../backend/test-backend';
import { transformerPreset } from '../model/presets';
import { selectKernels } from '../kernels/select-kernels';
import { Transformer } from '../model/transformer';
import { AdamW } from '../training/adamw';
import { trainStep } from '../training/train-step';
import { GradientPool } from './gradient-pool';

// A GRPO-shaped batch: 3 prompts x 4 completions of different lengths, advantages of both signs.
const items: TrainingItem[] = [0, 1, 2].flatMap((p) => {
  const prompt = [1, 60 + p, 61 + p, 62, 63 + p];
  return [0, 1, 2, 3].map((k) => {
    const completion = Array.from({ length: 5 + ((p * 4 + k) % 7) }, (_, j) => 70 + ((p * 31 + k * 7 + j * 3) % 90));
    return { promptTokenIds: prompt, completionTokenIds: completion, advantage: k % 2 === 0 ? 1 - 0.25 * p : -0.6, oldLogprobs: completion.map(() => -5.5) };
  });
});
const objective: TrainStepInput['objective'] = { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.28, klBeta: 0, aggregation: 'token-mean' };

interface Run {
  results: TrainStepResult[];
  weights: Float32Array[];
}

/** Three steps from the same weights; micro-batches of `microBatchSize` (undefined: one pass). */
async function run(pool: GradientPool | null, microBatchSize: number | undefined): Promise<Run> {
  const model = Transformer.random(transformerPreset('llama-tiny'), 7);
  const opt = new AdamW(model.variables, { weightDecay: 0.01 });
  const results: TrainStepResult[] = [];
  for (let i = 0; i < 3; i++) results.push(await trainStep(model, opt, { objective, items, learningRate: 3e-3, maxGradNorm: 1, microBatchSize }, 0, pool));
  const weights = [...model.variables.values()].map((v) => v.dataSync() as Float32Array);
  opt.dispose();
  model.dispose();
  return { results, weights };
}

const maxRelDiff = (a: Float32Array[], b: Float32Array[]): number => {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]) / (Math.abs(v) + 1e-3)))));
  return worst;
};

describe('GradientPool (data-parallel train steps)', () => {
  let pool: GradientPool;
  beforeAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
    pool = await GradientPool.start({ lanes: 2, config: transformerPreset('llama-tiny'), backend: TEST_BACKEND, kernels: selectKernels().name });
  });
  afterAll(() => pool.dispose());

  it.runIf(process.platform === 'linux')("reports each worker's OS thread, one of this process's threads and not the main one", () => {
    expect(pool.threadIds).toHaveLength(1);
    expect(readdirSync('/proc/self/task')).toContain(pool.threadIds[0]);
    expect(pool.threadIds[0]).not.toBe(String(process.pid));
  });

  it('gives bit-identical losses, metrics and weights to one thread when the micro-batch plan is the same', async () => {
    const one = await run(null, 4);
    const two = await run(pool, 4);
    expect(two.results).toEqual(one.results);
    two.weights.forEach((w, i) => expect(w).toEqual(one.weights[i]));
  });

  it('splits a single pass across threads: equal within float32 summation order', async () => {
    const one = await run(null, undefined);
    const two = await run(pool, undefined);
    two.results.forEach((r, i) => {
      expect(r.loss).toBeCloseTo(one.results[i].loss, 5);
      expect(Math.abs(r.gradNorm - one.results[i].gradNorm) / one.results[i].gradNorm).toBeLessThan(1e-4);
      expect(r.clipFraction).toBeCloseTo(one.results[i].clipFraction as number, 5);
    });
    // After three AdamW steps (lr 3e-3) the weights agree to float32 rounding of the summed gradients.
    expect(maxRelDiff(two.weights, one.weights)).toBeLessThan(1e-3);
  });

  it('is reproducible: two runs with 2 threads give bit-identical results and weights', async () => {
    const a = await run(pool, undefined);
    const b = await run(pool, undefined);
    expect(b.results).toEqual(a.results);
    b.weights.forEach((w, i) => expect(w).toEqual(a.weights[i]));
  });

  it('leaks no tensors in the main thread or the worker over steps', async () => {
    await run(pool, 4);
    const before = tf.memory().numTensors;
    const workerBefore = pool.workerTensors[0];
    await run(pool, 4);
    expect(tf.memory().numTensors).toBe(before);
    expect(pool.workerTensors[0]).toBe(workerBefore);
    expect(workerBefore).toBeGreaterThan(0); // the replica's weights: the worker did report
  });

  it('abandons an aborted step in both threads: no update, no leaked tensors, the pool still works', async () => {
    const model = Transformer.random(transformerPreset('llama-tiny'), 7);
    const opt = new AdamW(model.variables);
    const before = tf.memory().numTensors;
    const w0 = [...model.variables.values()].map((v) => v.dataSync() as Float32Array);
    const controller = new AbortController();
    const pending = trainStep(model, opt, { objective, items, learningRate: 1e-2, microBatchSize: 2, signal: controller.signal }, 0, pool);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    expect(tf.memory().numTensors).toBe(before);
    expect(opt.stepCount).toBe(0);
    [...model.variables.values()].forEach((v, i) => expect(v.dataSync()).toEqual(w0[i]));
    const after = await trainStep(model, opt, { objective, items, learningRate: 1e-2, microBatchSize: 2 }, 0, pool);
    expect(after.skipped).toBe(false);
    opt.dispose();
    model.dispose();
  });

  it('a failing worker fails the step with a runtime error and breaks the pool; the main thread keeps no tensors', async () => {
    const broken = await GradientPool.start({ lanes: 2, config: transformerPreset('llama-tiny'), backend: TEST_BACKEND, kernels: selectKernels().name });
    // A replica of another shape cannot take these weights: the worker throws.
    const model = Transformer.random({ ...transformerPreset('llama-tiny'), intermediateSize: 24 }, 7);
    const opt = new AdamW(model.variables);
    const before = tf.memory().numTensors;
    await expect(trainStep(model, opt, { objective, items, learningRate: 1e-2, microBatchSize: 4 }, 0, broken)).rejects.toMatchObject({
      kind: 'runtime',
      message: expect.stringContaining('gradient worker 1 failed'),
    });
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainStep(model, opt, { objective, items, learningRate: 1e-2, microBatchSize: 4 }, 0, broken)).rejects.toMatchObject({ kind: 'runtime' });
    await broken.dispose();
    opt.dispose();
    model.dispose();
  });
});
