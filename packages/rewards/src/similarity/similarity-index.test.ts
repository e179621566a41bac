import { isSrlError } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { SequenceMatcher } from './sequence-matcher';
import { createSimilarityIndex, matchingBlocks, sequenceRatio } from './sequence-ratio';
import { SimilarityIndex } from './similarity-index';
import { sequenceLength } from './symbol-table';

describe('SimilarityIndex', () => {
  it('counts code points, not UTF-16 units', () => {
    // '𝔘' is one element: 2*1/(1+2), not 2*2/(2+3).
    expect(sequenceRatio('𝔘', '𝔘x')).toBe((2 * 1) / 3);
    expect(matchingBlocks('a😀b', '😀b')).toEqual([
      { a: 1, b: 0, size: 2 },
      { a: 3, b: 2, size: 0 },
    ]);
    expect(sequenceLength('😀'.repeat(150))).toBe(150);
    // 199 code points (398 UTF-16 units): below the autojunk threshold, so nothing is popular.
    const astral = '😀'.repeat(199);
    expect(new SequenceMatcher({ a: astral, b: astral }).bpopular.size).toBe(0);
    expect(new SequenceMatcher({ a: astral, b: `${astral}😀` }).bpopular).toEqual(new Set(['😀']));
  });

  it('treats a lone surrogate as one element, like a Python str', () => {
    expect(sequenceLength('\ud800x')).toBe(2);
    expect(sequenceRatio('\ud800x', '\ud800y')).toBe(0.5);
  });

  it('gives the same answers on reuse and with indexes of different sizes interleaved (shared scratch)', () => {
    const expert = 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.';
    const long = `${expert}\n`.repeat(40);
    const models = ['Natalia sold 24 clips in May.', '', expert, 'In May she sold half: 48/2 = 24.', 'x'.repeat(300), long];
    const fresh = models.map((m) => [sequenceRatio(m, expert), sequenceRatio(m, long, { autojunk: false })]);
    const small = createSimilarityIndex(expert);
    const big = createSimilarityIndex(long, { autojunk: false });
    for (let round = 0; round < 3; round++) {
      expect(models.map((m) => [small.ratio(m), big.ratio(m)])).toEqual(fresh);
      // A larger index built in between grows the shared buffers.
      createSimilarityIndex(long.repeat(round + 2)).ratio(long);
    }
  });

  it('compares a string with an array of strings element by element, as Python does', () => {
    // SequenceMatcher(None, ['a', 'b', 'cd'], 'abcd'): 'a' and 'b' match, 'cd' matches no character.
    expect(sequenceRatio(['a', 'b', 'cd'], 'abcd')).toBe((2 * 2) / 7);
    expect(sequenceRatio('abcd', ['a', 'b', 'cd'])).toBe((2 * 2) / 7);
    expect(sequenceRatio(['😀', 'x'], '😀x')).toBe(1);
  });

  it('refuses invalid input with a validation SrlError', () => {
    const index = new SimilarityIndex('abc');
    for (const range of [{ ahi: 4 }, { alo: 2, ahi: 1 }, { blo: -1 }, { bhi: 1.5 }]) {
      let error: unknown;
      try {
        index.findLongestMatch('abc', range);
      } catch (e) {
        error = e;
      }
      expect(isSrlError(error) && error.kind, JSON.stringify(range)).toBe('validation');
    }
    expect(() => sequenceRatio(null as unknown as string, 'abc')).toThrow(/a must be a string or an array of strings, got null/);
    expect(() => sequenceRatio('abc', 42 as unknown as string)).toThrow(/b must be a string or an array of strings, got number/);
  });

  it('calls isjunk once per distinct element of b, in first-occurrence order', () => {
    const seen: string[] = [];
    new SimilarityIndex('abca b', { isjunk: (ch) => (seen.push(ch), ch === ' ') });
    expect(seen).toEqual(['a', 'b', 'c', ' ']);
  });
});
