import { describe, expect, it } from 'vitest';
import { assignLanes } from './assign-lanes';

describe('assignLanes', () => {
  it('balances by cost, not by position: four prompt groups of growing cost pair the ends', () => {
    expect(assignLanes([556, 676, 776, 866], 2)).toEqual([
      [0, 3],
      [1, 2],
    ]);
    expect(assignLanes([1, 1, 1, 1, 1, 1], 3)).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('leaves lanes empty when there are fewer micro-batches than lanes', () => {
    expect(assignLanes([5], 2)).toEqual([[0], []]);
    expect(assignLanes([], 2)).toEqual([[], []]);
  });
});
