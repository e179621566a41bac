// Test support: obviously-correct references for the token similarity rewards, and real data to fuzz them on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRng } from '@srl/core';

// Reference implementations: the full (n+1)×(m+1) tables of the textbook recurrences, nothing skipped.
export function referenceLevenshtein(a: readonly unknown[], b: readonly unknown[]): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0) d[i][j] = j;
      else if (j === 0) d[i][j] = i;
      else d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

export function referenceLcs(a: readonly unknown[], b: readonly unknown[]): number {
  const l: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    l.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) l[i][j] = 0;
      else if (a[i - 1] === b[j - 1]) l[i][j] = l[i - 1][j - 1] + 1;
      else l[i][j] = Math.max(l[i - 1][j], l[i][j - 1]);
    }
  }
  return l[a.length][b.length];
}

export const referenceEditSimilarity = (a: readonly unknown[], b: readonly unknown[]): number =>
  a.length === 0 && b.length === 0 ? 1 : 1 - referenceLevenshtein(a, b) / Math.max(a.length, b.length);

export function referenceRougeL(model: readonly unknown[], expert: readonly unknown[], beta: number): number {
  if (model.length === 0 && expert.length === 0) return 1;
  const lcs = referenceLcs(model, expert);
  if (lcs === 0) return 0;
  const p = lcs / model.length;
  const r = lcs / expert.length;
  return ((1 + beta ** 2) * p * r) / (r + beta ** 2 * p);
}

/** A seeded source of uniforms in [0, 1) for the fuzz loops (srl's one generator, 32-bit draws). */
export function uniformSource(seed: number): () => number {
  const rng = new SeededRng(seed);
  return () => rng.uniform32();
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** The lines of the first 300 GSM8K train solutions (real expert steps). */
export const gsm8kSteps = readFileSync(path.resolve(repoRoot, '../shared/data/gsm8k/train.jsonl'), 'utf8')
  .split('\n', 300)
  .filter(Boolean)
  .flatMap((l) => (JSON.parse(l) as { answer: string }).answer.split('\n'));
