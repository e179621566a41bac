// Hostile input files: items 7 (skipped rows shown), 10 (srl reward checks every row first) and
// 11 (empty benchmark, non-UTF-8, --input -).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, srl, tmp } from './run-cli';

const policy = 'policy: [tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { hiddenSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 64, maxPositions: 512 } }]\n';

function benchmarkRecipe(dir: string, lines: string[]): string {
  writeFileSync(path.join(dir, 'problems.jsonl'), lines.join('\n'));
  const recipe = path.join(dir, 'eval.yaml');
  writeFileSync(recipe, `${policy}eval:\n  benchmarks: [[jsonl-benchmark, { path: problems.jsonl, name: mine, idField: id, problemField: problem, answerField: answer }]]\n  maxTokens: 4\n`);
  return recipe;
}

describe('faults: input files', () => {
  it.concurrent('eval shows the malformed rows of a benchmark (count and file:line) on the console and in the summaries', async () => {
    const dir = tmp();
    const good = (i: number): string => JSON.stringify({ id: `p${i}`, problem: `What is ${i} + 1?`, answer: String(i + 1) });
    const recipe = benchmarkRecipe(dir, []);
    // Line 2 is cut short, line 4 is Latin-1 (not UTF-8).
    writeFileSync(path.join(dir, 'problems.jsonl'), Buffer.concat([Buffer.from(`${good(1)}\n{"id": "p2", "problem": \n${good(3)}\n{"problem": "caf`), Buffer.from([0xe9]), Buffer.from(`", "answer": "1"}\n${good(5)}\n`)]));
    const out = path.join(dir, 'eval-out');
    const result = await srl(['eval', recipe, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/mine: 3 problems, 0 skipped \(no usable gold answer\), 2 malformed rows \(first: .*problems\.jsonl:2 invalid JSON.*problems\.jsonl:4 not valid UTF-8/);
    const [summary] = readJson<{ summaries: { benchmark: string; problems: number; badRows: number; badRowsFirst: string[] }[] }>(path.join(out, 'summary.json')).summaries;
    expect(summary).toMatchObject({ benchmark: 'mine', problems: 3, badRows: 2 });
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| mine \| test \| 3 \| 0 \| 2 \|/);
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

    writeFileSync(file, Buffer.concat([Buffer.from('{"completion": "ok", "reference": "ok"}\n{"completion": "caf'), Buffer.from([0xe9]), Buffer.from('", "reference": "x"}\n')]));
    const latin1 = await srl(['reward', 'step-similarity', '--input', file]);
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toMatch(/rows\.jsonl:2: not valid UTF-8 \(at column 20\)/);
  });
});
