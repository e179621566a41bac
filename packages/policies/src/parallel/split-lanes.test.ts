import { describe, expect, it } from 'vitest';
import { splitLanes } from './split-lanes';

describe('splitLanes', () => {
  it('cuts contiguous runs of near-equal cost', () => {
    expect(splitLanes([1, 1, 1, 1], 2)).toEqual([0, 2, 4]);
    expect(splitLanes([3, 1, 1, 1], 2)).toEqual([0, 1, 4]);
    expect(splitLanes([1, 1, 1, 1, 1, 1], 3)).toEqual([0, 2, 4, 6]);
  });

  it('leaves lanes empty when there are fewer micro-batches than lanes', () => {
    expect(splitLanes([5], 2)).toEqual([0, 1, 1]);
    expect(splitLanes([], 2)).toEqual([0, 0, 0]);
  });
});
