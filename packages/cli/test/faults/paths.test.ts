// Item 1 (no write outside the run folder) and item 7 (unique, path-safe benchmark names).
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, recipeCopy, srl, tmp } from './run-cli';

const tree = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

describe('faults: paths', () => {
  it('a stage name with ../ is refused by validate and by train, and nothing is written', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    const recipe = recipeCopy('tiny.recipe.yaml', dir, { '- [sft-tiny, {': '- name: "0-../../../elsewhere/stages/1-x"\n    trainer: [sft-tiny, {' });
    const before = tree(dir);
    const validate = await srl(['validate', recipe]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/stages\[0\]\.name: must match pattern .*found "0-\.\.\/\.\.\/\.\.\/elsewhere\/stages\/1-x"/);
    const train = await srl(['train', recipe, '--out', path.join(dir, 'a', 'b', 'run')]);
    expect(train.code).toBe(2);
    expect(tree(dir)).toEqual(before);
  });

  it('a symbolic link planted in a run folder is refused, and its target is left untouched', async () => {
    const dir = tmp();
    const recipe = recipeCopy('tiny.recipe.yaml', dir);
    const out = path.join(dir, 'run');
    const first = await srl(['train', recipe, '--out', out, '--max-steps', '2']);
    expect(first.code, first.stderr).toBe(0);
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const metricsFile = path.join(out, 'stages', '0-sft-tiny', 'metrics.jsonl');
    rmSync(metricsFile);
    symlinkSync(victim, metricsFile);
    // Continue the SFT stage (stopped at 2 steps): its metrics file is now a link to a file outside the run.
    const resumed = await srl(['train', recipe, '--out', out, '--resume', '--max-steps', '4']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/metrics\.jsonl: it is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readJson(path.join(out, 'run.json')).status).toBe('failed');
  });

  it('two benchmarks of one task get distinct names and files; a duplicate is refused by validate', async () => {
    const dir = tmp();
    const base = `policy: [tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { hiddenSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 64, maxPositions: 512 } }]\n`;
    const twoLevels = path.join(dir, 'two.yaml');
    writeFileSync(
      twoLevels,
      `${base}eval:\n  benchmarks:\n    - [math/synthetic-arithmetic, { digits: 1, testSize: 3 }]\n    - [math/synthetic-arithmetic, { digits: 3, testSize: 2 }]\n  maxTokens: 4\n`,
    );
    const out = path.join(dir, 'eval');
    const result = await srl(['eval', twoLevels, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const files = readdirSync(out)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    expect(files).toHaveLength(2);
    expect(files.map((f) => readFileSync(path.join(out, f), 'utf8').trim().split('\n').length).sort()).toEqual([2, 3]);
    const names = readJson<{ summaries: { benchmark: string }[] }>(path.join(out, 'summary.json')).summaries.map((s) => s.benchmark);
    expect(new Set(names).size).toBe(2);
    expect(names.every((n) => /^math-synthetic-arithmetic-[0-9a-f]{8}$/.test(n))).toBe(true);

    const same = path.join(dir, 'same.yaml');
    writeFileSync(
      same,
      `${base}eval:\n  benchmarks:\n    - { task: math/synthetic-arithmetic, name: easy }\n    - { task: [math/synthetic-arithmetic, { digits: 3 }], name: easy }\n`,
    );
    const refused = await srl(['validate', same]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/eval\.benchmarks\[1\]: its name "easy" is already used by eval\.benchmarks\[0\]/);
  });
});
