import { describe, expect, it } from 'vitest';
import { isSrlError, type RewardInput, type RewardModel } from '@srl/core';
import { RewardBatcher } from './reward-batcher';

function lengthReward(calls: number[]): RewardModel {
  return {
    specVersion: 1,
    name: 'length',
    score: async (rows: RewardInput[]) => {
      calls.push(rows.length);
      if (rows.some((r) => r.completion === 'boom')) throw new Error('boom');
      return rows.map((r) => ({ reward: r.completion.length, components: {} }));
    },
  };
}

describe('RewardBatcher', () => {
  it('scores concurrent requests in one call and gives each its own results', async () => {
    const calls: number[] = [];
    const batcher = new RewardBatcher(lengthReward(calls));
    const results = await Promise.all([['a', 'bb'], ['ccc'], ['dddd', 'e', 'ff']].map((texts) => batcher.score(texts.map((completion) => ({ completion })))));
    expect(results.map((r) => r.map((x) => x.reward))).toEqual([[1, 2], [3], [4, 1, 2]]);
    expect(calls).toEqual([6]);
  });

  it('caps a merged call at maxRows, and a failing request fails alone', async () => {
    const calls: number[] = [];
    const batcher = new RewardBatcher(lengthReward(calls), 3);
    const [a, b, c] = await Promise.allSettled([
      batcher.score([{ completion: 'xx' }, { completion: 'y' }]),
      batcher.score([{ completion: 'boom' }]),
      batcher.score([{ completion: 'zzz' }, { completion: 'w' }]),
    ]);
    expect(a).toEqual({
      status: 'fulfilled',
      value: [
        { reward: 2, components: {} },
        { reward: 1, components: {} },
      ],
    });
    expect(b).toMatchObject({ status: 'rejected', reason: { message: 'boom' } });
    expect(c).toEqual({
      status: 'fulfilled',
      value: [
        { reward: 3, components: {} },
        { reward: 1, components: {} },
      ],
    });
    expect(calls).toEqual([3, 2, 1, 2]); // [xx, y, boom] fails, retried one by one; then [zzz, w]
  });

  it('refuses a reward that returns the wrong number of results, as a plugin error naming it', async () => {
    const short: RewardModel = { specVersion: 1, name: 'short', score: async () => [] };
    const error = await new RewardBatcher(short).score([{ completion: 'a' }]).catch((e: unknown) => e);
    expect(isSrlError(error) && error.kind).toBe('plugin');
    expect((error as Error).message).toMatch(/reward "short" returned 0 results for 1 rows; expected one result per row/);
  });
});
