import { describe, expect, it } from 'vitest';
import { groupAdvantages, populationStd } from './advantages';
import { fillDynamicBatch, filterGroup } from './dynamic-sampling';
import { learningRateAt } from './lr-schedule';
import { clippedTokenLoss, crossEntropyLoss, k3Kl, policyGradientLoss } from './reference-objectives';

describe('group advantages', () => {
  it('normalises by the population std, hand-computed', () => {
    // r = [1, 0, 0, 1]: mean 0.5, population std 0.5 -> A = ±0.5 / (0.5 + 1e-6)
    const a = groupAdvantages([1, 0, 0, 1], { scaleByStd: true });
    expect(a[0]).toBeCloseTo(0.5 / 0.500001, 12);
    expect(a[1]).toBeCloseTo(-0.5 / 0.500001, 12);
    // r = [0.2, 0.4, 0.9]: mean 0.5, var ((0.09 + 0.01 + 0.16) / 3) -> std sqrt(0.26/3)
    const std = Math.sqrt(0.26 / 3);
    expect(populationStd([0.2, 0.4, 0.9])).toBeCloseTo(std, 14);
    expect(groupAdvantages([0.2, 0.4, 0.9], { scaleByStd: true })[2]).toBeCloseTo(0.4 / (std + 1e-6), 12);
  });

  it('can skip the std scaling', () => {
    expect(groupAdvantages([0.2, 0.4, 0.9], { scaleByStd: false }).map((x) => x!.toFixed(6))).toEqual(['-0.300000', '-0.100000', '0.400000']);
  });

  it('excludes null rewards from mean and std, never counting them as 0', () => {
    const a = groupAdvantages([1, null, 0, null], { scaleByStd: true });
    expect(a[1]).toBeNull();
    expect(a[3]).toBeNull();
    // Had nulls counted as 0, the mean would be 0.25; it is 0.5 over the two that apply.
    expect(a[0]).toBeCloseTo(0.5 / 0.500001, 12);
    expect(groupAdvantages([null, null], { scaleByStd: true })).toEqual([null, null]);
  });
});

describe('dynamic sampling', () => {
  it('keeps a group only if the population std of its rewards exceeds epsilon', () => {
    expect(filterGroup([1, 1, 1, 1], 1e-4).keep).toBe(false);
    expect(filterGroup([0.5, 0.50001], 1e-4).keep).toBe(false); // std 5e-6
    expect(filterGroup([0.5, 0.6], 1e-4)).toMatchObject({ keep: true, std: expect.closeTo(0.05, 12) });
    expect(filterGroup([1, null, null], 0).keep).toBe(false); // one applying reward has no spread
    expect(filterGroup([1, null, 0], 0).keep).toBe(true);
  });

  it('refills until the batch is full', async () => {
    // Every other group is degenerate: the batch of 5 needs several rounds.
    let next = 0;
    const asked: number[] = [];
    const batch = await fillDynamicBatch({
      batchSize: 5,
      maxRounds: 10,
      sample: async (n) => {
        asked.push(n);
        return Array.from({ length: n }, () => next++);
      },
      keep: (g) => g % 2 === 0,
    });
    expect(batch.kept).toEqual([0, 2, 4, 6, 8]);
    // Round 1 asks for the 5 missing; it keeps 3 of 5, so round 2 asks ceil(2 / 0.6) = 4.
    expect(asked).toEqual([5, 4]);
    expect(batch).toMatchObject({ generated: 9, accepted: 5, rounds: 2, asked: [5, 4], capped: false });
  });

  it('without the keep-rate estimate (maxOversample 1) asks only for what is missing', async () => {
    let next = 0;
    const batch = await fillDynamicBatch({
      batchSize: 5,
      maxRounds: 10,
      maxOversample: 1,
      sample: async (n) => Array.from({ length: n }, () => next++),
      keep: (g) => g % 2 === 0,
    });
    expect(batch).toMatchObject({ kept: [0, 2, 4, 6, 8], asked: [5, 2, 1, 1], generated: 9, rounds: 4 });
  });

  it('stops at the round cap and trains on what there is; nothing kept asks maxOversample per missing group', async () => {
    const batch = await fillDynamicBatch({
      batchSize: 4,
      maxRounds: 2,
      maxOversample: 3,
      sample: async (n) => Array.from({ length: n }, () => 1),
      keep: () => false,
    });
    expect(batch).toEqual({ kept: [], target: 4, generated: 16, accepted: 0, rounds: 2, asked: [4, 12], capped: true });
  });
});

describe('clipped policy-gradient loss (hand-computed)', () => {
  const o = { clipLow: 0.2, clipHigh: 0.2 };
  it('is -ratio*A inside the clip range', () => {
    const t = { logprob: Math.log(1.1), oldLogprob: 0, advantage: 2 };
    expect(clippedTokenLoss(t, o).loss).toBeCloseTo(-2.2, 12);
    expect(clippedTokenLoss(t, o).clipped).toBe(false);
  });
  it('clips a large ratio with a positive advantage at 1 + eps', () => {
    const r = clippedTokenLoss({ logprob: Math.log(1.5), oldLogprob: 0, advantage: 1 }, o);
    expect(r.loss).toBeCloseTo(-1.2, 12);
    expect(r.clipped).toBe(true);
  });
  it('does not clip a large ratio with a negative advantage (pessimistic bound)', () => {
    const r = clippedTokenLoss({ logprob: Math.log(1.5), oldLogprob: 0, advantage: -1 }, o);
    expect(r.loss).toBeCloseTo(1.5, 12);
    expect(r.clipped).toBe(false);
  });
  it('clips a small ratio with a negative advantage at 1 - eps, asymmetric ranges allowed', () => {
    const r = clippedTokenLoss({ logprob: Math.log(0.5), oldLogprob: 0, advantage: -1 }, { clipLow: 0.2, clipHigh: 0.28 });
    expect(r.loss).toBeCloseTo(0.8, 12);
    expect(clippedTokenLoss({ logprob: Math.log(1.5), oldLogprob: 0, advantage: 1 }, { clipLow: 0.2, clipHigh: 0.28 }).loss).toBeCloseTo(-1.28, 12);
  });
  it('aggregates token-mean vs sequence-mean and adds beta * k3 KL', () => {
    const tok = (adv: number) => ({ logprob: 0, oldLogprob: 0, advantage: adv });
    const seqs = [[tok(1)], [tok(2), tok(2), tok(2)]];
    const base = { clipLow: 0.2, clipHigh: 0.2, klBeta: 0 };
    expect(policyGradientLoss(seqs, { ...base, aggregation: 'token-mean' }).loss).toBeCloseTo(-7 / 4, 12);
    expect(policyGradientLoss(seqs, { ...base, aggregation: 'sequence-mean' }).loss).toBeCloseTo(-(1 + 2) / 2, 12);
    // k3 with ref - logp = d: e^d - d - 1; d = ln 2 -> 2 - ln 2 - 1
    expect(k3Kl(0, Math.log(2))).toBeCloseTo(1 - Math.log(2), 14);
    const withKl = policyGradientLoss([[{ logprob: 0, oldLogprob: 0, advantage: 0, refLogprob: Math.log(2) }]], {
      ...base,
      klBeta: 0.5,
      aggregation: 'token-mean',
    });
    expect(withKl.loss).toBeCloseTo(0.5 * (1 - Math.log(2)), 14);
  });
  it('cross-entropy is the mean NLL over completion tokens', () => {
    expect(crossEntropyLoss([[Math.log(0.5)], [Math.log(0.25), Math.log(1)]])).toBeCloseTo((Math.log(2) + Math.log(4)) / 3, 14);
  });
});

describe('schedules and rng', () => {
  it('warms up linearly then follows a cosine to the floor', () => {
    const spec = { kind: 'cosine' as const, lr: 1e-3, warmup: 0.3 };
    expect(learningRateAt(spec, 0, 10)).toBeCloseTo(1e-3 / 3, 15);
    expect(learningRateAt(spec, 2, 10)).toBeCloseTo(1e-3, 15);
    expect(learningRateAt(spec, 3, 10)).toBeCloseTo(1e-3, 15);
    expect(learningRateAt(spec, 10, 10)).toBeCloseTo(0, 15);
    expect(learningRateAt({ kind: 'constant', lr: 5e-7, warmup: 0 }, 99, 100)).toBe(5e-7);
  });
});
