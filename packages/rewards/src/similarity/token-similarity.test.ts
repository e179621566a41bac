import { describe, expect, it } from 'vitest';
import {
  gsm8kSteps,
  uniformSource,
  referenceEditSimilarity,
  referenceLcs,
  referenceLevenshtein,
  referenceRougeL,
} from '../../test/support/reference-similarity';
import { rougeL } from '../rouge-l-reward';
import { tokenEditSimilarity } from '../token-edit-similarity-reward';
import { lcsLength } from './lcs-length';
import { levenshteinDistance } from './levenshtein-distance';
import { similarityTokens } from './similarity-tokens';
import { tokenSequences } from './token-sequences';

const codes = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

describe('levenshteinDistance and lcsLength', () => {
  it('give the textbook values', () => {
    expect(levenshteinDistance(codes('kitten'), codes('sitting'))).toBe(3);
    expect(levenshteinDistance(codes('flaw'), codes('lawn'))).toBe(2);
    expect(levenshteinDistance([], codes('abc'))).toBe(3);
    expect(levenshteinDistance(codes('abc'), codes('abc'))).toBe(0);
    expect(lcsLength(codes('ABCBDAB'), codes('BDCABA'))).toBe(4);
    expect(lcsLength(codes('abc'), [])).toBe(0);
    expect(lcsLength(codes('aaa'), codes('aa'))).toBe(2);
  });

  it('equal the full-table reference on long random pairs (several 32-bit words, up to 300 tokens)', () => {
    const rand = uniformSource(13);
    for (let n = 0; n < 300; n++) {
      const alphabet = 1 + Math.floor(rand() * 8);
      const length = (): number => Math.floor(rand() * (n % 3 === 0 ? 300 : 100));
      const a = Array.from({ length: length() }, () => Math.floor(rand() * alphabet));
      // Half the pairs: b is an edited copy of a (long matching stretches); half independent.
      const b =
        rand() < 0.5
          ? a.flatMap((t) => (rand() < 0.1 ? [] : rand() < 0.1 ? [t, alphabet] : [rand() < 0.1 ? (t + 1) % alphabet : t]))
          : Array.from({ length: length() }, () => Math.floor(rand() * alphabet));
      expect(levenshteinDistance(a, b), `${a} | ${b}`).toBe(referenceLevenshtein(a, b));
      expect(lcsLength(a, b), `${a} | ${b}`).toBe(referenceLcs(a, b));
    }
  });

  it('equal the full-table reference on 3,000 random pairs over small alphabets (many matches, shared ends)', () => {
    const rand = uniformSource(12);
    for (let n = 0; n < 3000; n++) {
      const alphabet = 1 + Math.floor(rand() * 5);
      const word = (): number[] => Array.from({ length: Math.floor(rand() * 14) }, () => Math.floor(rand() * alphabet));
      const shared = word();
      const [a, b] =
        rand() < 0.3
          ? [
              [...shared, ...word(), ...shared],
              [...shared, ...word(), ...shared],
            ]
          : [word(), word()];
      expect(levenshteinDistance(a, b), `${a} | ${b}`).toBe(referenceLevenshtein(a, b));
      expect(levenshteinDistance(b, a)).toBe(referenceLevenshtein(a, b));
      expect(lcsLength(a, b), `${a} | ${b}`).toBe(referenceLcs(a, b));
      expect(lcsLength(b, a)).toBe(referenceLcs(a, b));
    }
  });
});

describe('word and character tokens', () => {
  it('split words, numbers, LaTeX commands and each symbol as documented', () => {
    expect(similarityTokens('Natalia sold 48/2 = <<48/2=24>>24 clips.', 'words')).toEqual([
      'Natalia',
      'sold',
      '48',
      '/',
      '2',
      '=',
      '<',
      '<',
      '48',
      '/',
      '2',
      '=',
      '24',
      '>',
      '>',
      '24',
      'clips',
      '.',
    ]);
    expect(similarityTokens("x2 don't $1,000.50 is 72. \\frac{1}{2}", 'words')).toEqual([
      'x',
      '2',
      "don't",
      '$',
      '1,000.50',
      'is',
      '72',
      '.',
      '\\frac',
      '{',
      '1',
      '}',
      '{',
      '2',
      '}',
    ]);
    expect(similarityTokens('a 😀', 'characters')).toEqual(['a', ' ', '😀']);
    expect(similarityTokens('  \n ', 'words')).toEqual([]);
  });

  it('intern equal tokens to equal numbers within a batch, lower-casing when asked', () => {
    const sequence = tokenSequences({ tokens: 'words', lowercase: true });
    expect(Array.from(sequence('The cat saw the Cat'))).toEqual([0, 1, 2, 0, 1]);
    const cased = tokenSequences({ tokens: 'words', lowercase: false });
    expect(Array.from(cased('The cat saw the Cat'))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('tokenEditSimilarity and rougeL equal their references', () => {
  const check = (a: string[], b: string[]): void => {
    const table = new Map<string, number>();
    const ids = (tokens: string[]): Int32Array => Int32Array.from(tokens, (t) => table.get(t) ?? (table.set(t, table.size), table.size - 1));
    // Ours on integer ids (what the rewards see), the reference on the token strings themselves.
    const [x, y] = [ids(a), ids(b)];
    expect(tokenEditSimilarity(x, y).similarity).toBe(referenceEditSimilarity(a, b));
    for (const beta of [1, 0.5, 2]) expect(rougeL(x, y, beta).f).toBe(referenceRougeL(a, b, beta));
  };

  it('on real GSM8K steps, as words and as characters (2,000 pairs)', () => {
    const rand = uniformSource(3);
    for (let n = 0; n < 1000; n++) {
      const expert = gsm8kSteps[Math.floor(rand() * gsm8kSteps.length)];
      // Half the rollouts are other steps, half edited copies of the expert step (high overlap).
      const other =
        rand() < 0.5 ? gsm8kSteps[Math.floor(rand() * gsm8kSteps.length)] : expert.replace(/\d+/g, (d) => (rand() < 0.5 ? d : String(Number(d) + 1)));
      check(similarityTokens(other, 'words'), similarityTokens(expert, 'words'));
      if (n % 4 === 0) check(similarityTokens(other, 'characters'), similarityTokens(expert, 'characters'));
    }
  });

  it('on random strings, and at the edges (empty, disjoint, identical)', () => {
    const rand = uniformSource(5);
    const text = (): string => Array.from({ length: Math.floor(rand() * 25) }, () => 'ab =1 2x.'[Math.floor(rand() * 9)]).join('');
    for (let n = 0; n < 1000; n++) {
      const [a, b] = [text(), text()];
      check(similarityTokens(a, 'words'), similarityTokens(b, 'words'));
      check(similarityTokens(a, 'characters'), similarityTokens(b, 'characters'));
    }
    expect(tokenEditSimilarity([], []).similarity).toBe(1);
    expect(rougeL([], []).f).toBe(1);
    expect(rougeL([1, 2], []).f).toBe(0);
    expect(tokenEditSimilarity([1, 2], [3, 4]).similarity).toBe(0);
    expect(rougeL([1, 2, 3], [1, 2, 3]).f).toBe(1);
    // P = 1 (every model token in the LCS), R = 1/2: F1 = 2/3; β = 2 weighs recall: 5·0.5/(0.5 + 4) = 5/9.
    expect(rougeL([1, 2], [1, 5, 2, 6])).toEqual({ precision: 1, recall: 0.5, f: 2 / 3 });
    expect(rougeL([1, 2], [1, 5, 2, 6], 2).f).toBeCloseTo(5 / 9, 15);
  });
});
