import { describe, expect, it } from 'vitest';
import { truncateObservation } from './truncate-observation';

describe('truncateObservation', () => {
  it('keeps short text and everything with 0', () => {
    expect(truncateObservation('abc', 3)).toBe('abc');
    expect(truncateObservation('x'.repeat(50), 0)).toBe('x'.repeat(50));
  });
  it('keeps the head and the tail around a marker', () => {
    expect(truncateObservation('0123456789', 5)).toBe('012\n[... 5 characters omitted ...]\n89');
    expect(truncateObservation('0123456789', 1)).toBe('0\n[... 9 characters omitted ...]\n');
  });
});
