import { checkRewardPlugin } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { tokenF1, tokenF1Plugin } from '../src/index';

describe('srl-plugin-token-f1', () => {
  it('passes the reward conformance suite', async () => {
    const report = await checkRewardPlugin(tokenF1Plugin, {
      inputs: [
        { completion: '<think>halve it</think>Natalia sold 48/2 = 24 clips in May.', reference: 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.' },
        { completion: 'She sold 72 clips.', reference: 'Natalia sold 48+24 = 72 clips altogether.' },
        { completion: 'no reference here' },
      ],
      invalidOptions: { beta: -1 },
    });
    expect(report.failures).toEqual([]);
    expect(report.passed.length).toBeGreaterThanOrEqual(8);
  });

  it('computes token F1 by hand-checked values', () => {
    // pred tokens: the cat sat (3); ref: the cat sat down (4); common 3 -> P = 1, R = 0.75, F1 = 6/7.
    expect(tokenF1('The cat sat.', 'the cat sat down', { lowercase: true, stripPunctuation: true, beta: 1 }).f).toBeCloseTo(6 / 7, 15);
    expect(tokenF1('x', 'y', { lowercase: true, stripPunctuation: true, beta: 1 }).f).toBe(0);
    expect(tokenF1('', '', { lowercase: true, stripPunctuation: true, beta: 1 }).f).toBe(1);
  });
});
