// Conformance with CPython 3.11.7's difflib.SequenceMatcher, on the reference results stored in
// ../shared/data/conformance/difflib (upstream tests, module doctests, oracle pairs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SequenceMatcher } from './sequence-matcher';
import { createSimilarityIndex, matchingBlocks, sequenceRatio } from './sequence-ratio';
import type { Match } from './similarity-index';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data/conformance/difflib');

function readJsonl<T>(file: string): T[] {
  return readFileSync(path.join(dataDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

interface CpythonResult {
  ratio: number;
  quick_ratio: number;
  real_quick_ratio: number;
  matching_blocks: [number, number, number][];
  opcodes: [string, number, number, number, number][];
  bjunk: string[];
  bpopular: string[];
}
interface PairCase {
  a: string;
  b: string;
  autojunk: boolean;
  isjunk_chars?: string[] | null;
  kind?: string;
  source_test?: string;
  cpython_3_11_7: CpythonResult;
}
interface LongestMatchCase {
  source_test: string;
  a: string;
  b: string;
  find_longest_match_args: { kw?: Record<string, number>; pos?: number[] };
  cpython_3_11_7: [number, number, number];
}

const triples = (blocks: Match[]): [number, number, number][] => blocks.map((m) => [m.a, m.b, m.size]);
const sorted = (set: Iterable<string>): string[] => [...set].sort();

function checkPair(c: PairCase): void {
  const chars = c.isjunk_chars ?? null;
  const options = { autojunk: c.autojunk, isjunk: chars ? (ch: string) => chars.includes(ch) : null };
  const want = c.cpython_3_11_7;
  const sm = new SequenceMatcher({ a: c.a, b: c.b, ...options });
  expect(sm.ratio()).toBe(want.ratio);
  expect(sm.quickRatio()).toBe(want.quick_ratio);
  expect(sm.realQuickRatio()).toBe(want.real_quick_ratio);
  expect(triples(sm.getMatchingBlocks())).toEqual(want.matching_blocks);
  expect(sm.getOpcodes()).toEqual(want.opcodes);
  expect(sorted(sm.bjunk)).toEqual(sorted(want.bjunk));
  expect(sorted(sm.bpopular)).toEqual(sorted(want.bpopular));
  // The one-call helpers and a reused index give the same numbers.
  expect(sequenceRatio(c.a, c.b, options)).toBe(want.ratio);
  expect(triples(matchingBlocks(c.a, c.b, options))).toEqual(want.matching_blocks);
}

describe('difflib conformance: oracle pairs (GSM8K steps, edges, random, autojunk boundary)', () => {
  const cases = readJsonl<PairCase>('oracle_cases.jsonl');
  it('has the stored cases', () => expect(cases.length).toBe(143));
  it.each(cases.map((c, n) => [`${n} ${c.kind} autojunk=${c.autojunk}`, c] as const))('%s', (_name, c) => checkPair(c));

  it('scores every pair identically through one reused index per b', () => {
    const byB = new Map<string, PairCase[]>();
    for (const c of cases) byB.set(`${c.autojunk}\u0000${c.b}`, [...(byB.get(`${c.autojunk}\u0000${c.b}`) ?? []), c]);
    let checked = 0;
    for (const group of byB.values()) {
      const index = createSimilarityIndex(group[0].b, { autojunk: group[0].autojunk });
      for (const c of [...group, ...group]) {
        expect(index.ratio(c.a)).toBe(c.cpython_3_11_7.ratio);
        expect(triples(index.matchingBlocks(c.a))).toEqual(c.cpython_3_11_7.matching_blocks);
        checked++;
      }
    }
    expect(checked).toBe(2 * cases.length);
  });
});

describe('difflib conformance: Lib/test/test_difflib.py', () => {
  const rows = readJsonl<PairCase | LongestMatchCase>('upstream_sequencematcher_cases.jsonl');
  const pairs = rows.filter((r): r is PairCase => 'cpython_3_11_7' in r && !Array.isArray(r.cpython_3_11_7));
  const longest = rows.filter((r): r is LongestMatchCase => 'find_longest_match_args' in r);
  it('has the stored cases', () => expect([pairs.length, longest.length]).toEqual([10, 4]));
  it.each(pairs.map((c) => [c.source_test!, c] as const))('%s', (_name, c) => checkPair(c));
  it.each(longest.map((c) => [c.source_test, c] as const))('%s', (_name, c) => {
    const sm = new SequenceMatcher({ a: c.a, b: c.b });
    const { kw, pos } = c.find_longest_match_args;
    const m = pos ? sm.findLongestMatch(pos[0], pos[1], pos[2], pos[3]) : sm.findLongestMatch(kw?.alo, kw?.ahi, kw?.blo, kw?.bhi);
    expect([m.a, m.b, m.size]).toEqual(c.cpython_3_11_7);
  });
});

describe('difflib conformance: SequenceMatcher doctests of Lib/difflib.py', () => {
  interface Doctest {
    docstring: string;
    lineno: number;
    source: string;
    want: string;
  }
  const doctests = readJsonl<Doctest>('difflib_doctests.jsonl');
  const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));
  const match = (m: Match): string => `Match(a=${m.a}, b=${m.b}, size=${m.size})`;
  const pyTuple = (t: readonly (string | number)[]): string => `(${t.map((v) => (typeof v === 'string' ? `'${v}'` : v)).join(', ')})`;

  // What each doctest block prints, statement by statement (only the statements with output), in JS.
  const outputs: Record<string, () => string[]> = {
    'difflib.SequenceMatcher': () => {
      const s = new SequenceMatcher({ isjunk: (x) => x === ' ', a: 'private Thread currentThread;', b: 'private volatile Thread currentThread;' });
      return [
        `${s.ratio().toFixed(3)}\n`,
        s
          .getMatchingBlocks()
          .map((m) => `a[${m.a}] and b[${m.b}] match for ${m.size} elements\n`)
          .join(''),
        s
          .getOpcodes()
          .map(([tag, i1, i2, j1, j2]) => `${tag.padStart(6)} a[${i1}:${i2}] b[${j1}:${j2}]\n`)
          .join(''),
      ];
    },
    'difflib.SequenceMatcher.find_longest_match': () => [
      `${match(new SequenceMatcher({ a: ' abcd', b: 'abcd abcd' }).findLongestMatch(0, 5, 0, 9))}\n`,
      `${match(new SequenceMatcher({ isjunk: (x) => x === ' ', a: ' abcd', b: 'abcd abcd' }).findLongestMatch(0, 5, 0, 9))}\n`,
      `${match(new SequenceMatcher({ a: 'ab', b: 'c' }).findLongestMatch(0, 2, 0, 1))}\n`,
    ],
    'difflib.SequenceMatcher.get_matching_blocks': () => [`[${new SequenceMatcher({ a: 'abxcd', b: 'abcd' }).getMatchingBlocks().map(match).join(', ')}]\n`],
    'difflib.SequenceMatcher.get_opcodes': () => {
      const a = 'qabxcd';
      const b = 'abycdf';
      const ops = new SequenceMatcher({ a, b }).getOpcodes();
      return [ops.map(([t, i1, i2, j1, j2]) => `${t.padStart(7)} a[${i1}:${i2}] (${a.slice(i1, i2)}) b[${j1}:${j2}] (${b.slice(j1, j2)})\n`).join('')];
    },
    'difflib.SequenceMatcher.ratio': () => {
      const s = new SequenceMatcher({ a: 'abcd', b: 'bcde' });
      return [s.ratio(), s.quickRatio(), s.realQuickRatio()].map((x) => `${pyFloat(x)}\n`);
    },
    'difflib.SequenceMatcher.set_seq1': () => {
      const s = new SequenceMatcher({ a: 'abcd', b: 'bcde' });
      const before = s.ratio();
      s.setSeq1('bcde');
      return [before, s.ratio()].map((x) => `${pyFloat(x)}\n`);
    },
    'difflib.SequenceMatcher.set_seq2': () => {
      const s = new SequenceMatcher({ a: 'abcd', b: 'bcde' });
      const before = s.ratio();
      s.setSeq2('abcd');
      return [before, s.ratio()].map((x) => `${pyFloat(x)}\n`);
    },
    'difflib.SequenceMatcher.set_seqs': () => {
      const s = new SequenceMatcher();
      s.setSeqs('abcd', 'bcde');
      return [`${pyFloat(s.ratio())}\n`];
    },
    'difflib.SequenceMatcher.get_grouped_opcodes': () => {
      // Sequences of lines: a = list(map(str, range(1, 40))), then an insertion, replacements and a deletion.
      const a = Array.from({ length: 39 }, (_, n) => String(n + 1));
      const b = [...a];
      b.splice(8, 0, 'i');
      b[20] += 'x';
      b.splice(23, 5);
      b[30] += 'y';
      const groups = new SequenceMatcher({ a, b }).getGroupedOpcodes();
      // pprint's layout: a group that fits in 80 columns stays on one line.
      const lines = groups.map((g, n) => {
        const lead = n === 0 ? '[[' : ' [';
        const tail = n === groups.length - 1 ? ']]' : '],';
        const flat = `${lead}${g.map(pyTuple).join(', ')}${tail}`;
        return flat.length <= 80 ? flat : `${lead}${g.map(pyTuple).join(',\n  ')}${tail}`;
      });
      return [`${lines.join('\n')}\n`];
    },
  };

  const blocks = [...new Set(doctests.map((d) => d.docstring))].filter((name) => name.startsWith('difflib.SequenceMatcher'));
  it('covers every SequenceMatcher doctest in the data', () => {
    expect(blocks.sort()).toEqual(Object.keys(outputs).sort());
  });
  it.each(blocks)('%s', (name) => {
    const wants = doctests.filter((d) => d.docstring === name && d.want !== '').map((d) => d.want);
    expect(outputs[name]()).toEqual(wants);
  });
});
