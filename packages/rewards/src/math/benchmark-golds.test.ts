// Every gold answer of the benchmarks the tasks use must parse (a null gold would silently drop
// the sample), must verify against itself, and against its own worked solution where one exists.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lastBoxed } from '@srl/core';
import { parseGold, verifyMathAnswer } from './verify-math-answer';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const rows = (rel: string): Record<string, unknown>[] =>
  readFileSync(path.resolve(repoRoot, '../shared/data', rel), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

interface Gold {
  gold: string;
  solution?: string;
}

function check(name: string, golds: Gold[]): void {
  const unparsed = golds.filter((g) => parseGold(g.gold) === null).map((g) => g.gold);
  const notSelf = golds
    .filter((g) => verifyMathAnswer({ gold: g.gold, prediction: `So the answer is $\\boxed{${g.gold}}$.` }).status !== 'correct')
    .map((g) => g.gold);
  const withSolution = golds.filter((g) => g.solution !== undefined);
  const notSolution = withSolution.filter((g) => verifyMathAnswer({ gold: g.gold, prediction: g.solution! }).status !== 'correct').map((g) => g.gold);
  console.log(
    `${name}: ${golds.length} golds, ${unparsed.length} unparseable, ${notSelf.length} not equal to themselves, ${notSolution.length}/${withSolution.length} not equal to their solution`,
  );
  expect(unparsed).toEqual([]);
  expect(notSelf).toEqual([]);
  expect(notSolution).toEqual([]);
}

describe('benchmark gold answers', () => {
  it('MATH500: the answer field, and the last box of its solution', () => {
    const data = rows('benchmarks/math500/test.jsonl');
    expect(data).toHaveLength(500);
    check(
      'MATH500',
      data.map((r) => ({ gold: String(r.answer), solution: String(r.solution) })),
    );
  });

  it('AIME24: string answers ("025") and their solutions', () => {
    check(
      'AIME24',
      rows('benchmarks/aime24/test.jsonl').map((r) => ({ gold: String(r.answer), solution: String(r.solution) })),
    );
  });

  it('AMC23: float answers (27.0)', () => {
    check(
      'AMC23',
      rows('benchmarks/amc23/test.jsonl').map((r) => ({ gold: String(r.answer) })),
    );
  });

  it('Minerva: the last box of the solution', () => {
    check(
      'Minerva',
      rows('benchmarks/minerva_math/test.jsonl').map((r) => ({ gold: lastBoxed(String(r.solution))!, solution: String(r.solution) })),
    );
  });

  it('GSM8K test: the number after ####, and the full answer text', () => {
    check(
      'GSM8K',
      rows('gsm8k/test.jsonl').map((r) => ({ gold: String(r.answer).split('####').pop()!.trim(), solution: String(r.answer) })),
    );
  });

  it('distinguishes different golds (few false positives between neighbouring MATH500 answers)', () => {
    const golds = rows('benchmarks/math500/test.jsonl').map((r) => String(r.answer));
    const equalPairs = golds
      .map((g, i) => [g, golds[(i + 1) % golds.length]] as const)
      .filter(([a, b]) => verifyMathAnswer({ gold: a, prediction: `\\boxed{${b}}` }).status === 'correct');
    // Only pairs that are the same value may agree ("5" and "x=5", "4" and "4").
    for (const [a, b] of equalPairs) expect(a.replace(/^[a-z]\s*=\s*/, '')).toBe(b.replace(/^[a-z]\s*=\s*/, ''));
  });
});
