import * as tf from '@tensorflow/tfjs-core';
import type { TrainingItem, TrainingObjective } from '@srl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { tokenLogProbs } from '../model/ops/token-log-probs';
import { QUERY_BLOCK } from '../model/attention';
import { isPrefixBatch } from '../model/prefix-attention';
import { transformerPreset } from '../model/presets';
import { Transformer } from '../model/transformer';
import { AdamW } from './adamw';
import { objectiveLoss, planTokens } from './objective';
import { packBatch, passShape } from './pack-batch';
import { scoreSequences } from './score';
import { packSequences, type SequenceBatch } from './sequence-batch';
import { trainStep } from './train-step';

// Three prompts of different lengths, interleaved, with completions of different lengths (padding on both sides).
const prompts = [
  [1, 40, 41, 42, 43, 44, 45, 46, 47],
  [1, 50, 51],
  [1, 60, 61, 62, 63, 64],
];
const completions = [
  [70, 71, 72, 73, 74],
  [80],
  [90, 91, 92],
  [100, 101, 102, 103, 104, 105, 106],
  [110, 111],
  [120, 121, 122, 123],
  [130, 131, 132],
  [140, 141, 142, 143, 144],
];

// Distinct prompts behind one long common prefix (a system prompt): rests of 0-5 tokens (the first prompt is the
// prefix itself), two prompts equal, completions of different lengths.
const system = Array.from({ length: 40 }, (_, i) => 2 + ((i * 7) % 100));
const rests = [[], [150, 151], [160], [150, 151], [170, 171, 172, 173, 174], [180, 181, 182], [190], [195, 196, 197, 198]];

function items(model: Transformer): TrainingItem[] {
  return withScores(
    model,
    completions.map((c, i) => ({ promptTokenIds: [...prompts[i % 3]], completionTokenIds: c })),
  );
}

function prefixItems(model: Transformer): TrainingItem[] {
  return withScores(
    model,
    completions.map((c, i) => ({ promptTokenIds: [...system, ...rests[i]], completionTokenIds: c })),
  );
}

function withScores(model: Transformer, base: { promptTokenIds: number[]; completionTokenIds: number[] }[]): TrainingItem[] {
  const scores = scoreSequences(model, base, 1);
  return base.map((it, i) => ({
    ...it,
    advantage: [1.2, -0.4, 0.9, -1.5, 0.3, 0.7, -0.2, 1.1][i],
    // Shifted so that some ratios leave the clip range on both sides.
    oldLogprobs: scores[i].logprobs.map((lp, j) => lp + [0.4, -0.4, 0][j % 3]),
    refLogprobs: scores[i].logprobs.map((lp, j) => lp - 0.2 * (j % 2)),
  }));
}

/** Loss and gradients of one pass over `packed`, by parameter name (plain tensors the caller disposes). */
function lossAndGrads(
  model: Transformer,
  all: TrainingItem[],
  objective: TrainingObjective,
  packed: SequenceBatch,
): { loss: number; grads: Map<string, Float32Array> } {
  const plan = planTokens(objective, all);
  const temperature = objective.kind === 'clipped-policy-gradient' ? (objective.temperature ?? 1) : 1;
  const vars = [...model.variables.values()];
  const r = tf.variableGrads(() => {
    const { logits } = model.forward(packed.tokens, { outputRows: packed.outputRows });
    return objectiveLoss(objective, plan, 0, plan.coef.length, tokenLogProbs(logits, packed.targets, temperature).logprobs);
  }, vars);
  const grads = new Map([...model.variables].map(([name, v]) => [name, r.grads[v.name].dataSync() as Float32Array]));
  const loss = r.value.dataSync()[0];
  tf.dispose([r.value, ...Object.values(r.grads)]);
  return { loss, grads };
}

/** The loss and every gradient of `shared` equal those of `rows` to float32 rounding (and the gradients are not all ~0). */
function expectSamePass(shared: ReturnType<typeof lossAndGrads>, rows: ReturnType<typeof lossAndGrads>): void {
  expect(Math.abs(shared.loss - rows.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(rows.loss)));
  let scale = 0;
  let diff = 0;
  for (const [name, g] of rows.grads) {
    const s = shared.grads.get(name) as Float32Array;
    g.forEach((v, i) => {
      scale = Math.max(scale, Math.abs(v));
      diff = Math.max(diff, Math.abs(v - s[i]));
    });
  }
  expect(scale).toBeGreaterThan(1e-4);
  expect(diff).toBeLessThan(2e-5 * scale);
}

const objectives: TrainingObjective[] = [
  { kind: 'cross-entropy' },
  { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.28, klBeta: 0, aggregation: 'token-mean' },
  { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.2, klBeta: 0.05, aggregation: 'sequence-mean' },
  { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.28, klBeta: 0.04, aggregation: 'token-mean', klRatioCorrection: true, temperature: 0.7 },
];

for (const preset of ['llama-tiny', 'gpt2-tiny']) {
  describe(`shared-prompt passes (${preset})`, () => {
    let model: Transformer;
    beforeAll(async () => {
      await selectBackend({ backend: 'wasm' });
      model = Transformer.random(transformerPreset(preset), 3);
    });
    afterAll(() => model.dispose());

    it('packs repeated prompts once, and whole rows when every prompt differs', () => {
      const all = items(model);
      const packed = packBatch(all, model.config);
      expect(isPrefixBatch(packed.tokens)).toBe(true);
      expect(passShape(all, model.config)).toMatchObject({ shared: true, positions: 3 * 9 + 8 * 7 });
      expect(isPrefixBatch(packBatch(all.slice(0, 3), model.config).tokens)).toBe(false);
      expect(packed.targets).toEqual(packSequences(all, model.config).targets);
    });

    it('packs a prefix common to distinct prompts once, the rest of each prompt in its row', () => {
      const all = prefixItems(model);
      const packed = packBatch(all, model.config);
      expect(passShape(all, model.config)).toMatchObject({ layout: 'prefix', prefixLength: 40, positions: 40 + 8 * 9 });
      if (!isPrefixBatch(packed.tokens)) throw new Error('expected a prefix batch');
      expect(packed.tokens).toMatchObject({ prefixes: 1, prefixLength: 40, batch: 8, length: 9 });
      expect([...packed.tokens.prefixIds]).toEqual(system);
      expect(packed.targets).toEqual(packSequences(all, model.config).targets);
      // A one-token common prefix does not pay.
      const short = all.map((s) => ({ ...s, promptTokenIds: s.promptTokenIds.slice(39) }));
      expect(passShape(short, model.config).layout).not.toBe('prefix');
    });

    for (const [name, make] of [
      ['shared prompts', items],
      ['a shared prefix', prefixItems],
    ] as const)
      it(`gives the loss and gradients of the per-row computation for every objective (${name})`, () => {
        const all = make(model);
        for (const objective of objectives) {
          const shared = lossAndGrads(model, all, objective, packBatch(all, model.config));
          const rows = lossAndGrads(model, all, objective, packSequences(all, model.config));
          expectSamePass(shared, rows);
        }
      });

    for (const [name, make] of [
      ['shared prompts', items],
      ['a shared prefix', prefixItems],
    ] as const)
      it(`trains and scores as one item per pass does (gradient norm, metrics, log-probs; ${name})`, async () => {
        const all = make(model);
        const objective = objectives[3];
        const opt = new AdamW(model.variables, { kernels: model.kernels });
        const shared = await trainStep(model, opt, { objective, items: all, learningRate: 0 });
        const rows = await trainStep(model, opt, { objective, items: all, learningRate: 0, microBatchSize: 1 });
        opt.dispose();
        expect(shared.loss).toBeCloseTo(rows.loss, 5);
        expect(Math.abs(shared.gradNorm - rows.gradNorm)).toBeLessThan(1e-5 * rows.gradNorm);
        expect(shared.kl).toBeCloseTo(rows.kl as number, 6);
        expect(shared.entropy).toBeCloseTo(rows.entropy as number, 5);
        const a = scoreSequences(model, all, undefined, 0.7);
        const b = scoreSequences(model, all, 1, 0.7);
        a.forEach((s, i) => s.logprobs.forEach((lp, j) => expect(Math.abs(lp - b[i].logprobs[j])).toBeLessThan(1e-5)));
      });
  });
}

// Rests longer than two query blocks after the common prefix (a system prompt, then a problem and the steps so
// far): the continuations' attention runs in query blocks, and the last layer only at the completions' rows.
describe('a shared prefix with long rests (query blocks)', () => {
  let model: Transformer;
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    model = Transformer.random({ ...transformerPreset('llama-tiny'), maxPositions: 512 }, 5);
  });
  afterAll(() => model.dispose());

  it('gives the loss and gradients of the per-row computation', () => {
    const rest = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => 2 + ((i * seed + seed) % 150));
    const long = Array.from({ length: 200 }, (_, i) => 2 + ((i * 13) % 120));
    const base = [270, 300, 281].map((n, i) => ({
      promptTokenIds: [...long, ...rest(n, 11 + 2 * i)],
      completionTokenIds: completions[i + 3].slice(0, 3 + i),
    }));
    const all = withScores(model, base);
    const shape = passShape(all, model.config);
    expect(shape).toMatchObject({ layout: 'prefix', prefixLength: 200 });
    expect(shape.positions - 200).toBeGreaterThan(3 * 2 * QUERY_BLOCK);
    for (const objective of [objectives[0], objectives[2]]) {
      const shared = lossAndGrads(model, all, objective, packBatch(all, model.config));
      const rows = lossAndGrads(model, all, objective, packSequences(all, model.config));
      expectSamePass(shared, rows);
    }
  });
});
