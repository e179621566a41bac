import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLoss, policyGradientLoss, SeededRng, type TrainingItem } from '@srl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { generate } from '../generation/generate';
import { transformerPreset } from '../model/presets';
import { Transformer } from '../model/transformer';
import { AdamW } from './adamw';
import { scoreSequences } from './score';
import { trainStep } from './train-step';
import { TEST_BACKEND } from '../backend/test-backend';

const BOS = 1;
const texts = ['the cat sat', 'a dog ran far', 'hello there!', 'srl steps'];
// A distinct prompt token per sequence (200 + i), so that every completion token is determined by its context.
const sft: TrainingItem[] = texts.map((t, i) => ({ promptTokenIds: [BOS, 200 + i], completionTokenIds: [...Buffer.from(t)] }));

for (const preset of ['gpt2-tiny', 'llama-tiny']) {
  describe(`training ${preset}`, () => {
    beforeAll(async () => {
      await selectBackend({ backend: TEST_BACKEND });
    });

    it('overfits a handful of sequences: the loss falls and greedy decoding reproduces them', async () => {
      const model = Transformer.random(transformerPreset(preset), 1);
      const opt = new AdamW(model.variables, { kernels: model.kernels });
      const losses: number[] = [];
      for (let i = 0; i < 120; i++)
        losses.push((await trainStep(model, opt, { objective: { kind: 'cross-entropy' }, items: sft, learningRate: 1e-2, maxGradNorm: 1 })).loss);
      expect(losses[0]).toBeGreaterThan(5); // ~ln(256) at init
      expect(losses[losses.length - 1]).toBeLessThan(0.05);
      const out = await generate(
        model,
        sft.map((it) => it.promptTokenIds),
        { n: 1, temperature: 0, topP: 1, topK: 0, maxTokens: 13, eosTokenIds: [], rng: new SeededRng() },
      );
      out.forEach(([sample], i) => expect(Buffer.from(sample.tokenIds.slice(0, texts[i].length)).toString('latin1')).toBe(texts[i]));
      opt.dispose();
      model.dispose();
    });
  });
}

describe('trainStep', () => {
  let model: Transformer;
  beforeAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
    model = Transformer.random(transformerPreset('llama-tiny'), 2);
  });
  afterAll(() => model.dispose());

  const pgItems = (): TrainingItem[] => {
    const scores = scoreSequences(model, sft);
    return sft.map((it, i) => ({
      ...it,
      advantage: i % 2 === 0 ? 1.5 : -0.7,
      // Shift the old log-probs so that some ratios leave the clip range on both sides.
      oldLogprobs: scores[i].logprobs.map((lp, j) => lp + (j % 3 === 0 ? 0.4 : j % 3 === 1 ? -0.4 : 0)),
      refLogprobs: scores[i].logprobs.map((lp, j) => lp - 0.1 * (j % 2)),
      weights: it.completionTokenIds.map((_, j) => (j === 0 ? 0 : 1)),
    }));
  };

  it('computes the clipped surrogate, k3 KL and clip fraction as defined (token-mean and sequence-mean)', async () => {
    const items = pgItems();
    const scores = scoreSequences(model, items);
    for (const aggregation of ['token-mean', 'sequence-mean'] as const) {
      const objective = { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.28, klBeta: 0.05, aggregation } as const;
      // Reference in float64 from the scored log-probs.
      let num = 0;
      let den = 0;
      let seqSum = 0;
      let clipped = 0;
      let kl = 0;
      let counted = 0;
      items.forEach((it, i) => {
        let sNum = 0;
        let sDen = 0;
        scores[i].logprobs.forEach((lp, j) => {
          const w = (it.weights as number[])[j];
          const r = Math.exp(lp - (it.oldLogprobs as number[])[j]);
          const a = it.advantage as number;
          const c = Math.min(Math.max(r, 0.8), 1.28);
          const d = (it.refLogprobs as number[])[j] - lp;
          const tokenLoss = -Math.min(r * a, c * a) + 0.05 * (Math.exp(d) - d - 1);
          sNum += w * tokenLoss;
          sDen += w;
          if (w > 0) {
            counted++;
            if (c * a < r * a) clipped++;
            kl += Math.exp(d) - d - 1;
          }
        });
        num += sNum;
        den += sDen;
        seqSum += sNum / sDen;
      });
      const expected = aggregation === 'token-mean' ? num / den : seqSum / items.length;
      const snapshot = model.toHuggingFace();
      const opt = new AdamW(model.variables, { kernels: model.kernels });
      const r = await trainStep(model, opt, { objective, items, learningRate: 0 });
      opt.dispose();
      expect(r.skipped).toBe(false);
      expect(r.loss).toBeCloseTo(expected, 5);
      expect(r.clipFraction).toBeCloseTo(clipped / counted, 12);
      expect(r.clipFraction).toBeGreaterThan(0);
      expect(r.kl).toBeCloseTo(kl / counted, 5);
      expect(r.tokens).toBe(items.reduce((n, it) => n + it.completionTokenIds.length, 0));
      expect(r.entropy).toBeGreaterThan(0);
      // learningRate 0: the weights do not move.
      expect(model.toHuggingFace()).toEqual(snapshot);
    }
  });

  it("agrees with @srl/core's float64 reference objectives (policyGradientLoss, crossEntropyLoss)", async () => {
    const items = pgItems().map(({ weights: _w, ...rest }) => rest);
    const scores = scoreSequences(model, items);
    const tokens = items.map((it, i) =>
      scores[i].logprobs.map((lp, j) => ({
        logprob: lp,
        oldLogprob: (it.oldLogprobs as number[])[j],
        advantage: it.advantage as number,
        refLogprob: (it.refLogprobs as number[])[j],
      })),
    );
    const snapshot = model.toHuggingFace();
    for (const aggregation of ['token-mean', 'sequence-mean'] as const) {
      const o = { clipLow: 0.2, clipHigh: 0.28, klBeta: 0.04, aggregation };
      const ref = policyGradientLoss(tokens, o);
      const opt = new AdamW(model.variables, { kernels: model.kernels });
      const r = await trainStep(model, opt, { objective: { kind: 'clipped-policy-gradient', ...o }, items, learningRate: 0 });
      opt.dispose();
      expect(r.loss).toBeCloseTo(ref.loss, 5);
      expect(r.clipFraction).toBeCloseTo(ref.clipFraction, 12);
      expect(r.kl).toBeCloseTo(ref.kl, 5);
    }
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    const ce = await trainStep(model, opt, { objective: { kind: 'cross-entropy' }, items, learningRate: 0 });
    opt.dispose();
    expect(ce.loss).toBeCloseTo(crossEntropyLoss(scores.map((sc) => sc.logprobs)), 5);
    expect(model.toHuggingFace()).toEqual(snapshot);
  });

  it('with klRatioCorrection and at temperature 0.7 agrees with a float64 loss computed here from the tempered scores', async () => {
    const items = pgItems().map(({ weights: _w, ...rest }) => rest);
    const T = 0.7;
    const scores = scoreSequences(model, items, undefined, T);
    const plain = scoreSequences(model, items);
    expect(Math.abs(scores[0].logprobs[0] - plain[0].logprobs[0])).toBeGreaterThan(1e-3);
    // Token-mean of -min(rA, clip(r)A) + beta * k3 * r, r = exp(logp - old), k3 = e^d - d - 1, d = ref - logp.
    let loss = 0;
    let kl = 0;
    let n = 0;
    items.forEach((it, i) =>
      scores[i].logprobs.forEach((lp, j) => {
        const r = Math.exp(lp - it.oldLogprobs![j]);
        const a = it.advantage!;
        const d = it.refLogprobs![j] - lp;
        const k3r = (Math.exp(d) - d - 1) * r;
        loss += -Math.min(r * a, Math.min(Math.max(r, 0.8), 1.28) * a) + 0.04 * k3r;
        kl += k3r;
        n++;
      }),
    );
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    const objective = {
      kind: 'clipped-policy-gradient',
      clipLow: 0.2,
      clipHigh: 0.28,
      klBeta: 0.04,
      aggregation: 'token-mean',
      klRatioCorrection: true,
      temperature: T,
    } as const;
    const r = await trainStep(model, opt, { objective, items, learningRate: 0 });
    const uncorrected = await trainStep(model, opt, { objective: { ...objective, klRatioCorrection: false }, items, learningRate: 0 });
    opt.dispose();
    expect(r.loss).toBeCloseTo(loss / n, 5);
    expect(r.kl).toBeCloseTo(kl / n, 5);
    expect(Math.abs(uncorrected.kl! - r.kl!)).toBeGreaterThan(1e-4);
  });

  it('micro-batching gives the same loss and the same update as one batch', async () => {
    const items = pgItems();
    const objective = { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'sequence-mean' } as const;
    const start = model.toHuggingFace();
    const results = [];
    const after = [];
    for (const microBatchSize of [0, 1, 3]) {
      model.loadHuggingFace(start);
      const opt = new AdamW(model.variables, { kernels: model.kernels });
      results.push(await trainStep(model, opt, { objective, items, learningRate: 1e-3, maxGradNorm: 0.5, microBatchSize }));
      after.push(model.toHuggingFace());
      opt.dispose();
    }
    model.loadHuggingFace(start);
    for (const r of results.slice(1)) {
      expect(r.loss).toBeCloseTo(results[0].loss, 6);
      expect(r.gradNorm).toBeCloseTo(results[0].gradNorm, 5);
    }
    // The same update to within 1% of one step (lr 1e-3): native kernels (oneDNN) sum in another order than wasm.
    let worst = 0;
    for (const a of after.slice(1)) {
      for (const [name, t] of a) {
        const ref = (after[0].get(name) as { data: Float32Array }).data;
        t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref[i]))));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('skips the update when the loss is not finite', async () => {
    const items = pgItems().map((it) => ({ ...it, advantage: -1, oldLogprobs: (it.oldLogprobs as number[]).map(() => -1e4) }));
    const snapshot = model.toHuggingFace();
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    const r = await trainStep(model, opt, {
      objective: { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' },
      items,
      learningRate: 1e-2,
    });
    expect(r.skipped).toBe(true);
    expect(Number.isFinite(r.loss)).toBe(false);
    expect(opt.stepCount).toBe(0);
    expect(model.toHuggingFace()).toEqual(snapshot);
    opt.dispose();
  });

  it('abandons the step between micro-batches once the stop signal is aborted: no update, no leaked tensors', async () => {
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    const input = { objective: { kind: 'cross-entropy' }, items: sft, learningRate: 1e-2, microBatchSize: 1 } as const;
    await trainStep(model, opt, input); // warm-up: kernels and caches initialise lazily
    const snapshot = model.toHuggingFace();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    // Queued before the step starts, so it runs at the step's first yield: after micro-batch 1 of 4.
    setImmediate(() => controller.abort());
    await expect(trainStep(model, opt, { ...input, signal: controller.signal })).rejects.toMatchObject({
      kind: 'aborted',
      message: expect.stringMatching(/after 1 of its 4 micro-batches/),
    });
    expect(opt.stepCount).toBe(1);
    expect(model.toHuggingFace()).toEqual(snapshot);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
  });

  it('refuses malformed items, listing every problem', async () => {
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    const bad = [{ promptTokenIds: [1], completionTokenIds: [2, 3], oldLogprobs: [0], weights: [1, -1] }];
    await expect(
      trainStep(model, opt, {
        objective: { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0.1, aggregation: 'token-mean' },
        items: bad,
        learningRate: 1e-3,
      }),
    ).rejects.toThrow(/advantage is undefined.*oldLogprobs has 1 values for 2.*refLogprobs is missing|weights has a negative/);
    await expect(
      trainStep(model, opt, { objective: { kind: 'cross-entropy' }, items: [{ promptTokenIds: [], completionTokenIds: [1] }], learningRate: 1e-3 }),
    ).rejects.toThrow(/empty prompt/);
    opt.dispose();
  });

  it("names a malformed item by the caller's index although the step reorders items by length", async () => {
    const opt = new AdamW(model.variables, { kernels: model.kernels });
    // Item 0 is the shortest, so the length order moves it last; its advantage is the problem.
    const items: TrainingItem[] = [
      { promptTokenIds: [1], completionTokenIds: [2], oldLogprobs: [-1], advantage: Number.NaN },
      { promptTokenIds: [1, 2, 3, 4], completionTokenIds: [5, 6, 7], oldLogprobs: [-1, -1, -1], advantage: 1 },
      { promptTokenIds: [3, 4, 5], completionTokenIds: [6, 7], oldLogprobs: [-1, -1], advantage: -1 },
    ];
    const objective = { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0, aggregation: 'token-mean' } as const;
    const steps = opt.stepCount;
    await expect(trainStep(model, opt, { objective, items, learningRate: 1e-3 })).rejects.toThrow(/items\[0\]\.advantage is NaN/);
    expect(opt.stepCount).toBe(steps);
    opt.dispose();
  });

  it('leaks no tensors over training steps, scoring and generation', async () => {
    const opt = new AdamW(model.variables, { weightDecay: 0.1 });
    const step = async (): Promise<void> => {
      await trainStep(model, opt, { objective: { kind: 'cross-entropy' }, items: sft, learningRate: 1e-3, maxGradNorm: 1e-3, microBatchSize: 3 });
      await trainStep(model, opt, {
        objective: { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.3, klBeta: 0.1, aggregation: 'token-mean' },
        items: pgItems(),
        learningRate: 1e-3,
      });
    };
    await step(); // warm-up: kernels and caches initialise lazily
    await generate(model, [[1], [1, 2, 3]], { n: 2, temperature: 1, topP: 0.9, topK: 0, maxTokens: 6, eosTokenIds: [], rng: new SeededRng(1) });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await step();
      scoreSequences(model, sft, 2);
      await generate(model, [[1], [1, 2, 3]], { n: 2, temperature: 1, topP: 0.9, topK: 0, maxTokens: 6, eosTokenIds: [], rng: new SeededRng(i) });
    }
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
  });
});
