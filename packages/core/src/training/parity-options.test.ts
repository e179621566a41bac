import { describe, expect, it } from 'vitest';
import { groupAdvantages, mean, populationStd, sampleStd } from './advantages';
import { filterGroup } from './dynamic-sampling';
import { learningRateAt } from './lr-schedule';
import { policyGradientLoss } from './reference-objectives';

// Each parity option against float64 numbers computed here, independently of the implementation.

describe('identical rewards', () => {
  it('8 x 0.1 has std exactly 0, is filtered at epsilon 0, and gets advantages exactly 0', () => {
    const r = Array(8).fill(0.1);
    expect(r.reduce((a, b) => a + b, 0) / 8).not.toBe(0.1); // why the naive mean leaves a 1e-17 spread
    expect(mean(r)).toBe(0.1);
    expect(populationStd(r)).toBe(0);
    expect(sampleStd(r)).toBe(0);
    expect(filterGroup(r, 0).keep).toBe(false);
    for (const std of ['population', 'sample'] as const) expect(groupAdvantages(r, { scaleByStd: true, std, epsilon: 0 })).toEqual(Array(8).fill(0));
    expect(groupAdvantages([0.3, null, 0.3], { scaleByStd: true, epsilon: 0 })).toEqual([0, null, 0]);
  });
});

describe('advantage std: population (srl) vs sample (TRL, verl)', () => {
  const rewards = [0.91, 0.12, 0.55, 0.55, 0.0, 1.0, 0.33, 0.74];
  const m = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const ss = rewards.reduce((a, v) => a + (v - m) ** 2, 0);
  it.each([
    ['population', 1e-6, Math.sqrt(ss / 8)],
    ['sample', 1e-4, Math.sqrt(ss / 7)], // TRL: rewards.std() (Bessel) + 1e-4
    ['sample', 1e-6, Math.sqrt(ss / 7)], // verl: torch.std + 1e-6
  ] as const)('%s std, epsilon %d', (std, epsilon, expectedStd) => {
    expect(std === 'sample' ? sampleStd(rewards) : populationStd(rewards)).toBeCloseTo(expectedStd, 15);
    const a = groupAdvantages(rewards, { scaleByStd: true, std, epsilon });
    a.forEach((x, i) => expect(x).toBeCloseTo((rewards[i] - m) / (expectedStd + epsilon), 13));
  });
});

describe('k3 KL with and without the ratio correction (TRL use_bias_correction_kl)', () => {
  const tokens = [
    { logprob: -1.2, oldLogprob: -1.0, advantage: 0.5, refLogprob: -0.7 },
    { logprob: -0.3, oldLogprob: -0.45, advantage: 0.5, refLogprob: -0.9 },
    { logprob: -2.5, oldLogprob: -2.4, advantage: -1.1, refLogprob: -2.0 },
  ];
  const k3 = (t: (typeof tokens)[number]): number => Math.exp(t.refLogprob - t.logprob) - (t.refLogprob - t.logprob) - 1;
  const ratio = (t: (typeof tokens)[number]): number => Math.exp(t.logprob - t.oldLogprob);
  const surrogate = (t: (typeof tokens)[number]): number => -Math.min(ratio(t) * t.advantage, Math.min(Math.max(ratio(t), 0.8), 1.2) * t.advantage);
  it.each([false, true])('klRatioCorrection %s', (klRatioCorrection) => {
    const kl = tokens.map((t) => k3(t) * (klRatioCorrection ? ratio(t) : 1));
    const expected = tokens.reduce((a, t, i) => a + surrogate(t) + 0.1 * kl[i], 0) / tokens.length;
    const r = policyGradientLoss([tokens.slice(0, 2), tokens.slice(2)], {
      clipLow: 0.2,
      clipHigh: 0.2,
      klBeta: 0.1,
      aggregation: 'token-mean',
      klRatioCorrection,
    });
    expect(r.loss).toBeCloseTo(expected, 14);
    expect(r.kl).toBeCloseTo(kl.reduce((a, b) => a + b, 0) / 3, 14);
  });
});

describe('warmup: srl vs Hugging Face (get_*_schedule_with_warmup, W = ceil(ratio * total))', () => {
  // transformers' lr_lambda, written out: step < W: step / max(1, W); then cosine / linear / constant from the peak.
  const hf = (kind: 'cosine' | 'linear' | 'constant', lr: number, W: number, total: number, step: number): number => {
    if (step < W) return (lr * step) / Math.max(1, W);
    const progress = (step - W) / Math.max(1, total - W);
    if (kind === 'constant') return lr;
    if (kind === 'linear') return lr * Math.max(0, (total - step) / Math.max(1, total - W));
    return lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 0.5 * 2 * progress)));
  };
  it.each(['cosine', 'linear', 'constant'] as const)('%s: hf style equals transformers at every step; srl style starts at lr / W', (kind) => {
    const total = 10;
    for (let step = 0; step < total; step++) {
      expect(learningRateAt({ kind, lr: 2e-3, warmup: 0.22, warmupStyle: 'hf' }, step, total)).toBeCloseTo(hf(kind, 2e-3, 3, total, step), 17);
      expect(learningRateAt({ kind, lr: 2e-3, warmup: 4, warmupStyle: 'hf' }, step, total)).toBeCloseTo(hf(kind, 2e-3, 4, total, step), 17);
    }
    expect(learningRateAt({ kind, lr: 2e-3, warmup: 0.22, warmupStyle: 'hf' }, 0, total)).toBe(0);
    // srl: W = round(2.2) = 2, first step already at lr / 2, the peak at step 1.
    expect(learningRateAt({ kind, lr: 2e-3, warmup: 0.22 }, 0, total)).toBeCloseTo(1e-3, 17);
    expect(learningRateAt({ kind, lr: 2e-3, warmup: 0.22, warmupStyle: 'srl' }, 1, total)).toBeCloseTo(2e-3, 17);
  });
});
