import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SAMPLING_ROUNDS, fillDynamicBatch } from './dynamic-sampling';
import { SeededRng } from './seeded-rng';

// Filter rate f = 0.9: each group is kept with probability 0.1 (a seeded Bernoulli draw per group).
async function fills(
  batchSize: number,
  batches: number,
  o: { maxRounds: number; maxOversample?: number },
): Promise<{ fill: number; rounds: number; generated: number }> {
  const rng = new SeededRng(batchSize);
  let kept = 0;
  let rounds = 0;
  let generated = 0;
  for (let b = 0; b < batches; b++) {
    const batch = await fillDynamicBatch({ batchSize, ...o, sample: async (n) => Array.from({ length: n }, () => rng.uniform32() < 0.1), keep: (g) => g });
    kept += batch.kept.length;
    rounds += batch.rounds;
    generated += batch.generated;
  }
  return { fill: kept / (batchSize * batches), rounds: rounds / batches, generated: generated / (batchSize * batches) };
}

describe('dynamic sampling at filter rate 0.9', () => {
  it('the default cap guarantees an expected fill >= 99% even without the keep-rate estimate (1 - 0.9^R)', () => {
    expect(1 - 0.9 ** DEFAULT_MAX_SAMPLING_ROUNDS).toBeGreaterThanOrEqual(0.99);
    expect(1 - 0.9 ** (DEFAULT_MAX_SAMPLING_ROUNDS - 1)).toBeLessThan(0.99);
  });

  it.each([1, 4, 32])('batch %i: fills every batch with the defaults, in a few rounds, at about 10 groups per slot', async (batchSize) => {
    const r = await fills(batchSize, 200, { maxRounds: DEFAULT_MAX_SAMPLING_ROUNDS });
    expect(r.fill).toBe(1);
    expect(r.rounds).toBeLessThan(4);
    expect(r.generated).toBeGreaterThan(8);
    expect(r.generated).toBeLessThan(20);
  });

  it('the old behaviour (4 rounds, asking only for what is missing) fills about 1 - 0.9^4 = 34%', async () => {
    const r = await fills(32, 200, { maxRounds: 4, maxOversample: 1 });
    expect(r.fill).toBeGreaterThan(0.3);
    expect(r.fill).toBeLessThan(0.38);
  });
});
