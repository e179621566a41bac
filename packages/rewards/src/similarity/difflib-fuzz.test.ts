// Fuzz: sequenceRatio/matchingBlocks against the python3 on this machine (CPython's difflib), on thousands
// of random pairs, in one batch call (JSON in, JSON out). python3 is required: without it this test fails.
// Reproduce a failure with SRL_FUZZ_SEED=<seed> (printed in the test name).
import { spawnSync } from 'node:child_process';
import { SeededRng } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { SequenceMatcher } from './sequence-matcher';
import { createSimilarityIndex, matchingBlocks, sequenceRatio } from './sequence-ratio';
import type { Sequence } from './symbol-table';

const PYTHON = process.env.PYTHON ?? 'python3';
const SEED = Number(process.env.SRL_FUZZ_SEED ?? 20251030);

const ORACLE = `
import sys, json, difflib
cases = json.loads(sys.stdin.buffer.read().decode('utf-8'))
out = []
for c in cases:
    junk = c['junk']
    isjunk = (lambda ch, junk=frozenset(junk): ch in junk) if junk is not None else None
    sm = difflib.SequenceMatcher(isjunk, c['a'], c['b'], autojunk=c['autojunk'])
    out.append({'ratio': repr(sm.ratio()), 'quick': repr(sm.quick_ratio()),
                'blocks': [list(m) for m in sm.get_matching_blocks()],
                'popular': sorted(sm.bpopular), 'version': sys.version_info[:2]})
sys.stdout.write(json.dumps(out))
`;

interface FuzzCase {
  a: Sequence;
  b: Sequence;
  autojunk: boolean;
  junk: string[] | null;
}
interface OracleResult {
  ratio: string;
  quick: string;
  blocks: [number, number, number][];
  popular: string[];
  version: [number, number];
}

/** A seeded source of uniforms in [0, 1) (srl's one generator, 32-bit draws). */
function uniformSource(seed: number): () => number {
  const rng = new SeededRng(seed);
  return () => rng.uniform32();
}

// Alphabets: tiny ones (many repeats, popular elements), text-like, backslashes and astral characters
// (emoji, 𝔘: two UTF-16 units, one code point), a lone surrogate, CJK and combining marks.
const ALPHABETS: string[][] = [
  ['a', 'b'],
  ['a', 'b', 'c', ' '],
  [...'0123456789+-*/=<>.$ '],
  [...'abcdefghij klmno\n'],
  ['\\', '\\', 'n', '{', '}', 'f', 'r', 'a', 'c', ' '],
  ['😀', '𝔘', 'a', ' ', '\\'],
  ['😀', '𝔘', '🧮', 'x'],
  ['数', '学', 'é', 'e\u0301', '\u0301', ' ', '\ud800'],
];
const LENGTHS = [0, 0, 1, 2, 3, 5, 10, 30, 99, 100, 101, 150, 198, 199, 200, 201, 202, 210, 250, 300, 400];

function randomText(rand: () => number, alphabet: string[], length: number): string {
  let s = '';
  for (let n = 0; n < length; n++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** b as an edited copy of a (so long blocks exist), or an independent string. */
function mutate(rand: () => number, a: string, alphabet: string[]): string {
  const chars = Array.from(a);
  const edits = Math.floor(rand() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (chars.length + 1));
    const op = rand();
    if (op < 0.4) chars.splice(at, 0, ...Array.from(randomText(rand, alphabet, 1 + Math.floor(rand() * 5))));
    else if (op < 0.7) chars.splice(at, 1 + Math.floor(rand() * 5));
    else if (at < chars.length) chars[at] = alphabet[Math.floor(rand() * alphabet.length)];
  }
  return chars.join('');
}

function makeCases(seed: number, count: number): FuzzCase[] {
  const rand = uniformSource(seed);
  const cases: FuzzCase[] = [];
  while (cases.length < count) {
    const alphabet = ALPHABETS[Math.floor(rand() * ALPHABETS.length)];
    const a = randomText(rand, alphabet, LENGTHS[Math.floor(rand() * LENGTHS.length)]);
    const b = rand() < 0.6 ? mutate(rand, a, alphabet) : randomText(rand, alphabet, LENGTHS[Math.floor(rand() * LENGTHS.length)]);
    const junk = rand() < 0.15 ? [alphabet[Math.floor(rand() * alphabet.length)]] : null;
    // Now and then sequences of lines, or a list on one side only (elements compare as strings, as in Python).
    const mode = rand();
    const lines = (s: string): string[] => s.split(/(?<=\n)/);
    const [sa, sb]: Sequence[] = mode < 0.04 ? [lines(a), lines(b)] : mode < 0.06 ? [Array.from(a), b] : [a, b];
    // Both argument orders, autojunk on and off.
    for (const autojunk of [true, false]) {
      cases.push({ a: sa, b: sb, autojunk, junk });
      cases.push({ a: sb, b: sa, autojunk, junk });
    }
  }
  return cases;
}

function runCpython(cases: FuzzCase[]): OracleResult[] {
  const run = spawnSync(PYTHON, ['-c', ORACLE], { input: JSON.stringify(cases), maxBuffer: 1 << 28, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`the difflib fuzz test needs CPython (${PYTHON}, set PYTHON=...): ${run.error?.message ?? `exit ${run.status}`}\n${run.stderr ?? ''}`);
  }
  return JSON.parse(run.stdout) as OracleResult[];
}

describe(`difflib fuzz against ${PYTHON} (seed ${SEED})`, () => {
  const cases = makeCases(SEED, 4000);
  const oracle = runCpython(cases);

  it('runs CPython 3.x on every case', () => {
    expect(oracle.length).toBe(cases.length);
    expect(oracle[0].version[0]).toBe(3);
    // The generator reaches the interesting regions: the 200 boundary in code points, astral text, empties.
    const lenB = (c: FuzzCase): number => Array.from(c.b).length;
    expect(cases.some((c) => typeof c.b === 'string' && lenB(c) === 199 && c.b.length >= 200)).toBe(true);
    expect(cases.some((c) => lenB(c) === 200) && cases.some((c) => c.a.length === 0 && c.b.length === 0)).toBe(true);
    expect(oracle.filter((r) => r.popular.length > 0).length).toBeGreaterThan(100);
  });

  it('gives bit-identical ratios and identical matching blocks on every pair', () => {
    const mismatches: string[] = [];
    cases.forEach((c, n) => {
      const options = { autojunk: c.autojunk, isjunk: c.junk ? (ch: string) => c.junk!.includes(ch) : null };
      const want = oracle[n];
      const ratio = sequenceRatio(c.a, c.b, options);
      const blocks = matchingBlocks(c.a, c.b, options).map((m) => [m.a, m.b, m.size]);
      const sm = new SequenceMatcher({ a: c.a, b: c.b, ...options });
      const got = { ratio: ratio, quick: sm.quickRatio(), blocks, popular: [...sm.bpopular].sort() };
      const expected = { ratio: Number(want.ratio), quick: Number(want.quick), blocks: want.blocks, popular: [...want.popular].sort() };
      if (!Object.is(got.ratio, expected.ratio) || !Object.is(got.quick, expected.quick) || JSON.stringify(got) !== JSON.stringify(expected)) {
        mismatches.push(`case ${n} ${JSON.stringify(c)}: got ${JSON.stringify(got)}, CPython ${JSON.stringify(expected)}`);
      }
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('gives the same results through one index reused across many a (as for a group of rollouts)', () => {
    const byB = new Map<string, number[]>();
    cases.forEach((c, n) => {
      if (typeof c.b !== 'string' || c.junk) return;
      const key = `${c.autojunk}|${c.b}`;
      byB.set(key, [...(byB.get(key) ?? []), n]);
    });
    const rand = uniformSource(SEED + 1);
    let reused = 0;
    for (const members of byB.values()) {
      const first = cases[members[0]];
      const index = createSimilarityIndex(first.b, { autojunk: first.autojunk });
      // Interleave this b's own cases with other a's to exercise the scratch buffers between calls.
      for (const n of members) {
        const other = cases[Math.floor(rand() * cases.length)].a;
        index.ratio(other);
        expect(index.ratio(cases[n].a)).toBe(Number(oracle[n].ratio));
        reused++;
      }
    }
    expect(reused).toBeGreaterThan(1000);
  });
});
