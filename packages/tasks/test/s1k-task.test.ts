import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import type { Example, Task } from '@srl/core';
import { createPlugin } from './helpers/task-registry';

// A small s1K-1.1-like file with the hub's column names: 66 rows whose solutions follow the numbered
// format, 3 that do not, and 2 malformed ones (no question). Written as Parquet and as JSONL.
interface Row {
  question: string | null;
  solution: string;
  deepseek_attempt: string;
  cot_type: string;
}
const rows: Row[] = [];
for (let i = 0; i < 66; i++) {
  rows.push({
    question: `Compute ${i} + ${i + 1}.`,
    solution: String(2 * i + 1),
    deepseek_attempt: `SOLUTION:\n1. **Add the numbers** ${i} + ${i + 1} = ${2 * i + 1}.\n2. **State the answer** The answer is $\\boxed{${2 * i + 1}}$.`,
    cot_type: 'math',
  });
}
rows.splice(10, 0, { question: 'Non-conforming A', solution: '1', deepseek_attempt: 'We add: 1 + 0 = 1. $\\boxed{1}$', cot_type: 'math' });
rows.splice(20, 0, { question: 'Non-conforming B', solution: '2', deepseek_attempt: '1. **Add** 1 + 1 = 2\n3. **Skip** $\\boxed{2}$', cot_type: 'math' });
rows.splice(30, 0, { question: 'Non-conforming C', solution: '3', deepseek_attempt: '1. Add: 1 + 2 = 3', cot_type: 'math' });
rows.splice(40, 0, { question: null, solution: '4', deepseek_attempt: '1. **A** b', cot_type: 'math' });
rows.splice(50, 0, { question: '', solution: '5', deepseek_attempt: '1. **A** b', cot_type: 'math' });

const dir = mkdtempSync(path.join(tmpdir(), 'srl-s1k-'));
const parquetFile = path.join(dir, 's1k-1.1.parquet');
writeFileSync(
  parquetFile,
  new Uint8Array(
    parquetWriteBuffer({
      columnData: (['question', 'solution', 'deepseek_attempt', 'cot_type'] as const).map((name) => ({
        name,
        data: rows.map((r) => r[name]),
        type: 'STRING' as const,
      })),
    }),
  ),
);
const jsonlFile = path.join(dir, 's1k-1.1.jsonl');
writeFileSync(jsonlFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

async function loadBoth(task: Task): Promise<{ train: Example[]; validation: Example[]; skipped: { line: number; reason: string }[] }> {
  const train = await task.load('train');
  const validation = await task.load('validation');
  // Malformed rows are reported by both loads; a dropped (non-conforming) row only by its own split's.
  const skipped = new Map([...train.skipped, ...validation.skipped].map((s) => [s.line, s]));
  return { train: train.examples, validation: validation.examples, skipped: [...skipped.values()].sort((a, b) => a.line - b.line) };
}

describe('math/s1k from a local file', () => {
  it('reads Parquet: drops and counts non-conforming solutions and malformed rows, holds out 60 for validation', async () => {
    const task = await createPlugin('task', ['math/s1k', { path: parquetFile }]);
    expect(task.splits()).toEqual(['train', 'validation']);
    const { train, validation, skipped } = await loadBoth(task);
    expect(skipped.map((s) => s.line)).toEqual([11, 21, 31, 41, 51]);
    expect(skipped.filter((s) => /does not conform to the "numbered" step format/.test(s.reason))).toHaveLength(3);
    expect(skipped.find((s) => s.line === 41)?.reason).toBe('field "question": expected a non-empty string, found null');
    // 69 well-formed rows: 60 held out (some of them may be non-conforming and dropped), the rest train.
    expect(train.length + validation.length).toBe(66);
    expect(validation.length).toBeGreaterThanOrEqual(57);
    expect(validation.length).toBeLessThanOrEqual(60);
    const trainIds = new Set(train.map((e) => e.id));
    expect(validation.some((e) => trainIds.has(e.id))).toBe(false);
    const first = [...train, ...validation].find((e) => e.problem === 'Compute 0 + 1.')!;
    expect(first).toMatchObject({
      id: 'row-1',
      answer: '1',
      stepTitles: ['Add the numbers', 'State the answer'],
      metadata: { cot_type: 'math', solution: '1' },
    });
    expect(first.steps).toEqual(['**Add the numbers** 0 + 1 = 1.', '**State the answer** The answer is $\\boxed{1}$.']);
  });

  it('gives the same examples and the same held-out problems from JSONL and Parquet, on every load', async () => {
    const fromParquet = await loadBoth(await createPlugin('task', ['math/s1k', { path: parquetFile }]));
    const fromJsonl = await loadBoth(await createPlugin('task', ['math/s1k', { path: jsonlFile }]));
    expect(fromJsonl.train).toEqual(fromParquet.train.map((e) => ({ ...e, metadata: { ...e.metadata, file: jsonlFile } })));
    expect(fromJsonl.validation.map((e) => e.problem)).toEqual(fromParquet.validation.map((e) => e.problem));
    const again = await loadBoth(await createPlugin('task', ['math/s1k', { path: jsonlFile }]));
    expect(again.validation).toEqual(fromJsonl.validation);
  });

  it('the held-out set depends on the seed and size, not on the row order', async () => {
    const reversed = path.join(dir, 'reversed.jsonl');
    writeFileSync(
      reversed,
      [...rows]
        .reverse()
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const a = await createPlugin('task', ['math/s1k', { path: jsonlFile, validationSize: 10 }]);
    const b = await createPlugin('task', ['math/s1k', { path: reversed, validationSize: 10 }]);
    const c = await createPlugin('task', ['math/s1k', { path: jsonlFile, validationSize: 10, validationSeed: 1 }]);
    const problems = async (t: Task) => (await t.load('validation')).examples.map((e) => e.problem).sort();
    expect(await problems(b)).toEqual(await problems(a));
    expect(await problems(c)).not.toEqual(await problems(a));
    expect((await a.load('train')).examples.length + (await problems(a)).length).toBe(66);
  });

  it('footnote-1 instances: title in the prompt, body as target', async () => {
    const task = await createPlugin('task', ['math/s1k', { path: jsonlFile, stepTitleInPrompt: true }]);
    const [example] = (await task.load('train', { limit: 1 })).examples;
    const srl = task.instances(example, 'srl');
    expect(srl.map((i) => i.reference)).toEqual([
      `${example.problem.match(/\d+ \+ \d+/)![0]} = ${example.answer}.`,
      `The answer is $\\boxed{${example.answer}}$.`,
    ]);
    expect(srl[1].prompt[1].content).toMatch(/\n\nNext step:\n2\. \*\*State the answer\*\*$/);
  });

  it('strict mode fails on the first malformed row with file:row', async () => {
    const task = await createPlugin('task', ['math/s1k', { path: parquetFile }]);
    await expect(task.load('train', { strict: true })).rejects.toThrow(`${parquetFile}:41: malformed row: field "question"`);
  });
});
