// Hostile input files: items 7 (skipped rows shown, in eval and in training), 10 (srl reward checks every row first) and
// 11 (empty benchmark, non-UTF-8, --input -).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, srl, tmp } from './run-cli';

const policy =
  'policy: [tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { hiddenSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 64, maxPositions: 512 } }]\n';

function benchmarkRecipe(dir: string, lines: string[]): string {
  writeFileSync(path.join(dir, 'problems.jsonl'), lines.join('\n'));
  const recipe = path.join(dir, 'eval.yaml');
  writeFileSync(
    recipe,
    `${policy}eval:\n  benchmarks: [[jsonl-benchmark, { path: problems.jsonl, name: mine, idField: id, problemField: problem, answerField: answer }]]\n  maxTokens: 4\n`,
  );
  return recipe;
}

describe('faults: input files', () => {
  it.concurrent('eval shows the malformed rows of a benchmark (count and file:line) on the console and in the summaries', async () => {
    const dir = tmp();
    const good = (i: number): string => JSON.stringify({ id: `p${i}`, problem: `What is ${i} + 1?`, answer: String(i + 1) });
    const recipe = benchmarkRecipe(dir, []);
    // Line 2 is cut short, line 4 is Latin-1 (not UTF-8).
    writeFileSync(
      path.join(dir, 'problems.jsonl'),
      Buffer.concat([
        Buffer.from(`${good(1)}\n{"id": "p2", "problem": \n${good(3)}\n{"problem": "caf`),
        Buffer.from([0xe9]),
        Buffer.from(`", "answer": "1"}\n${good(5)}\n`),
      ]),
    );
    const out = path.join(dir, 'eval-out');
    const result = await srl(['eval', recipe, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /mine: 3 problems, 0 skipped \(no usable gold answer\), 2 malformed rows \(first: .*problems\.jsonl:2 invalid JSON.*problems\.jsonl:4 not valid UTF-8/,
    );
    const [summary] = readJson<{ summaries: { benchmark: string; problems: number; badRows: number; badRowsFirst: string[] }[] }>(
      path.join(out, 'summary.json'),
    ).summaries;
    expect(summary).toMatchObject({ benchmark: 'mine', problems: 3, badRows: 2 });
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| mine \| test \| 3 \| 0 \| 2 \|/);
  });

  it.concurrent('training records the rows and prompts it left out in run.json (by reason, file:line) and shows them on the console and in the report', async () => {
    const dir = tmp();
    const row = (i: number, problem = `What is ${i} + ${i}?`): string =>
      JSON.stringify({ problem, solution: `1. ${i} + ${i} = ${2 * i}.\n2. The answer is ${2 * i}.`, answer: String(2 * i) });
    // Line 3 is cut short, line 6 is Latin-1 (not UTF-8), line 7's prompt is over maxPromptTokens.
    const lines = [row(1), row(2), '{"problem": "broken', row(4), row(5), null, row(7, `${'Consider this long story. '.repeat(12)}What is 7 + 7?`), row(8)];
    writeFileSync(
      path.join(dir, 'train.jsonl'),
      Buffer.concat(lines.map((l) => (l === null ? Buffer.from([0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d, 0x0a]) : Buffer.from(`${l}\n`)))),
    );
    const recipe = path.join(dir, 'train.yaml');
    writeFileSync(
      recipe,
      `${policy}task: [jsonl-benchmark, { path: train.jsonl, split: train, problemField: problem, answerField: answer, solutionField: solution }]\n` +
        'stages:\n  - [sft-tiny, { instances: sft, batchSize: 2, epochs: 1, maxPromptTokens: 300, checkpointEvery: 0 }]\n',
    );
    const out = path.join(dir, 'run');
    const result = await srl(['train', recipe, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(dir, 'train.jsonl');
    const at = (line: number, what: string): RegExp => new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line} ${what}`);
    expect(result.stderr).toContain(
      `warn: stage 0-sft-tiny train: left out 2 malformed, 1 prompt-too-long (kept 5 sft instances of 6 examples; first: ${file}:3 invalid JSON`,
    );
    const data = readJson<{ data: Record<string, unknown[]> }>(path.join(out, 'run.json')).data;
    expect(data).toEqual({
      '0-sft-tiny': [
        {
          split: 'train',
          kind: 'sft',
          examples: 6,
          instances: 5,
          skipped: { malformed: 2, 'prompt-too-long': 1 },
          skippedFirst: [
            expect.stringMatching(at(3, 'invalid JSON')),
            expect.stringMatching(at(6, 'not valid UTF-8')),
            expect.stringMatching(/^instance train-7\/sft: \d+ prompt tokens$/),
          ],
          longestPrompt: expect.any(Number),
          promptLimit: { tokens: 300, by: 'maxPromptTokens' },
        },
      ],
    });
    const report = await srl(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toMatch(
      /<h2>Data<\/h2>[\s\S]*<td>0-sft-tiny<\/td><td>train<\/td><td>6<\/td><td>5 sft<\/td><td>\d+ \/ 300 \(maxPromptTokens\)<\/td><td>2 malformed, 1 prompt-too-long<details>/,
    );
    expect(html).toContain(`${file}:3 invalid JSON`);
  });

  it.concurrent('eval skips and counts a problem whose prompt does not fit the model, instead of stopping', async () => {
    const dir = tmp();
    const row = (id: string, problem: string): string => JSON.stringify({ id, problem, answer: '2' });
    const recipe = benchmarkRecipe(dir, [
      row('p1', 'What is 1 + 1?'),
      row('long', `${'Consider this very long story. '.repeat(20)}What is 1 + 1?`),
      row('p3', 'What is 0 + 2?'),
    ]);
    const out = path.join(dir, 'eval-out');
    const result = await srl(['eval', recipe, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/mine\/test: skipped 1 problems whose prompt does not fit the model's 512 positions/);
    const [summary] = readJson<{ summaries: { problems: number; tooLong: number }[] }>(path.join(out, 'summary.json')).summaries;
    expect(summary).toMatchObject({ problems: 2, tooLong: 1 });
  });

  it.concurrent('eval of an empty benchmark file is an error, not "0 problems"', async () => {
    const dir = tmp();
    const result = await srl(['eval', benchmarkRecipe(dir, []), '--out', path.join(dir, 'out')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mine\/test: no problems to evaluate \(0 examples loaded, 0 malformed rows skipped, 0 prompts too long\)/);
  });

  it.concurrent('srl reward checks every row before printing, and names a failing row by file:line', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 300 }, (_, i) => JSON.stringify(i === 299 ? { completion: 'x' } : { completion: 'x = 3', reference: 'x = 3' }));
    const file = path.join(dir, 'rows.jsonl');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const result = await srl(['reward', 'step-similarity', '--input', file, '--options', '{"format":"plain"}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/rows\.jsonl:300: .*has no reference/);

    writeFileSync(
      file,
      Buffer.concat([Buffer.from('{"completion": "ok", "reference": "ok"}\n{"completion": "caf'), Buffer.from([0xe9]), Buffer.from('", "reference": "x"}\n')]),
    );
    const latin1 = await srl(['reward', 'step-similarity', '--input', file]);
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toMatch(/rows\.jsonl:2: not valid UTF-8 \(at column 20\)/);
  });
});
