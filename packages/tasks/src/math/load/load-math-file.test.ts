import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { Gsm8kLinesDecomposer } from '../decompose/gsm8k-lines-decomposer';
import { loadMathFile } from './load-math-file';

const dir = mkdtempSync(path.join(tmpdir(), 'srl-tasks-load-'));
const file = path.join(dir, 'mixed.jsonl');
writeFileSync(
  file,
  [
    JSON.stringify({ q: 'What is 2+2?', sol: 'Add them: 2+2=<<2+2=4>>4.\n#### 4', n: 1 }), // 1 ok
    '{"q": "broken", "sol": ', // 2 bad JSON
    JSON.stringify({ sol: 'x\n#### 1', n: 2 }), // 3 missing problem
    '', // 4 blank: ignored, not counted
    JSON.stringify({ q: 42, sol: 'x\n#### 1', n: 3 }), // 5 wrong type
    JSON.stringify({ q: 'No answer line', sol: 'just text', n: 4 }), // 6 answer not extractable
    '[1, 2]', // 7 not an object
    JSON.stringify({ q: 'What is 3+3?', sol: '3+3=6\n#### 6', n: 1 }), // 8 duplicate id
    JSON.stringify({ q: 'What is 5*5?', sol: '#### 25', n: 5 }), // 9 well formed, answer but no step: dropped by the decomposer
    JSON.stringify({ q: 'What is 1,000+1?', sol: 'It is 1001.\n#### 1,001', n: 6 }), // 10 ok
  ].join('\n') + '\n',
);
const spec = { problemField: 'q', solutionField: 'sol', answerField: 'sol', answerExtraction: 'gsm8k' as const, idField: 'n' };

describe('loadMathFile', () => {
  it('skips and counts malformed rows with file and line; keeps good rows', async () => {
    const { examples, skipped } = await loadMathFile({ file, spec, decomposer: new Gsm8kLinesDecomposer(), idPrefix: 't-' });
    expect(examples.map((e) => [e.id, e.answer, e.steps])).toEqual([
      ['1', '4', ['Add them: 2+2=4.']],
      ['6', '1001', ['It is 1001.']],
    ]);
    expect(examples[0].metadata).toEqual({ file, line: 1 });
    expect(skipped.map((s) => [s.file, s.line])).toEqual([2, 3, 5, 6, 7, 8, 9].map((line) => [file, line]));
    const reasons = Object.fromEntries(skipped.map((s) => [s.line, s.reason]));
    expect(reasons[2]).toMatch(/invalid JSON/);
    expect(reasons[3]).toBe('field "q": expected a non-empty string, it is missing');
    expect(reasons[5]).toBe('field "q": expected a non-empty string, found number 42');
    expect(reasons[6]).toMatch(/field "sol" has no answer to extract: expected a last line "#### <answer>"/);
    expect(reasons[7]).toMatch(/expected a JSON object, found an array/);
    expect(reasons[8]).toBe('duplicate id "1" (field "n")');
    expect(reasons[9]).toMatch(/does not conform to the "gsm8k-lines" step format/);
  });

  it('strict: throws SrlError kind data naming file:line of the first malformed row', async () => {
    const error = await loadMathFile({ file, spec, idPrefix: 't-', options: { strict: true } }).catch((e: unknown) => e);
    expect(isSrlError(error) && error.kind).toBe('data');
    expect((error as Error).message).toContain(`${file}:2: malformed row: invalid JSON`);
  });

  it('limit stops after that many examples; ids default to <prefix><line>', async () => {
    const { examples } = await loadMathFile({ file, spec: { ...spec, idField: undefined }, idPrefix: 't-', options: { limit: 1 } });
    expect(examples.map((e) => e.id)).toEqual(['t-1']);
  });

  it('reports a missing file as a data error', async () => {
    const error = await loadMathFile({ file: path.join(dir, 'nope.jsonl'), spec, idPrefix: '' }).catch((e: unknown) => e);
    expect(isSrlError(error) && error.kind).toBe('data');
    expect((error as Error).message).toMatch(/cannot read JSONL file .*nope\.jsonl/);
  });
});
