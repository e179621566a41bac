import { describe, expect, it } from 'vitest';
import { learningRateAt } from './lr-schedule';

describe('learningRateAt', () => {
  it('constant', () => {
    expect(learningRateAt({ kind: 'constant', lr: 3e-4 }, 0)).toBe(3e-4);
    expect(learningRateAt({ kind: 'constant', lr: 3e-4 }, 1000)).toBe(3e-4);
  });

  it('cosine with linear warmup', () => {
    const s = { kind: 'cosine', peak: 1e-3, warmupSteps: 10, totalSteps: 110, min: 1e-4 } as const;
    expect(learningRateAt(s, 0)).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(s, 4)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(s, 9)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(s, 60)).toBeCloseTo(5.5e-4, 12); // halfway: (peak + min) / 2
    expect(learningRateAt(s, 110)).toBe(1e-4);
    expect(learningRateAt(s, 500)).toBe(1e-4);
    for (let i = 11; i < 110; i++) expect(learningRateAt(s, i)).toBeLessThan(learningRateAt(s, i - 1));
  });

  it('refuses malformed schedules and steps', () => {
    expect(() => learningRateAt({ kind: 'cosine', peak: 1, warmupSteps: 10, totalSteps: 10 }, 0)).toThrow(/cosine schedule/);
    expect(() => learningRateAt({ kind: 'constant', lr: 1 }, -1)).toThrow(/step -1/);
  });
});
