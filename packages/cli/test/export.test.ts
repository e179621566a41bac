// `srl data instances` and `srl export` on the quickstart recipe; the exported files are read back
// by other readers: pyarrow (verl Parquet), Hugging Face datasets (TRL JSONL), in the example venv.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { srl } from './run-srl';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const recipe = path.join(root, 'examples', 'quickstart', 'recipe.yaml');

const lines = (text: string): Record<string, unknown>[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('srl data instances', () => {
  it("prints the stage's instances {id, messages, reference, metadata}, as the trainer loads them", async () => {
    const all = await srl(['data', 'instances', recipe, '--stage', '1']);
    expect(all.code, all.err).toBe(0);
    const rows = lines(all.out);
    // 48 GSM8K problems, 181 steps; the 24 whose byte-level prompt exceeds maxPromptTokens 640 are dropped, as in training.
    expect(rows).toHaveLength(157);
    expect(all.err).toMatch(/48 examples -> 157 srl instances \(24 dropped: prompt over 640 tokens/);
    expect(rows[1]).toEqual({
      id: 'train-1/srl/2',
      messages: [
        { role: 'system', content: 'Continue the solution with the single next step.' },
        {
          role: 'user',
          content: expect.stringMatching(/^Question:\nNatalia sold clips[\s\S]*\n\nSolution so far:\n1\. Natalia sold 48\/2 = 24 clips in May\.$/),
        },
      ],
      reference: '2. Natalia sold 48+24 = 72 clips altogether in April and May.',
      metadata: { exampleId: 'train-1', kind: 'srl', step: { index: 2, count: 2 }, answer: '72' },
    });
    const few = await srl(['data', 'instances', recipe, '--stage', '1', '--limit', '3']);
    expect(lines(few.out)).toEqual(rows.slice(0, 3));
    const rlvr = lines((await srl(['data', 'instances', recipe, '--kind', 'rlvr', '--limit', '2'])).out);
    expect(rlvr.map((r) => [r.id, r.reference, (r.metadata as { kind: string }).kind])).toEqual([
      ['train-1/rlvr', '72', 'rlvr'],
      ['train-2/rlvr', '10', 'rlvr'],
    ]);
  });

  it('refuses a stage the recipe does not have, naming the ones it has', async () => {
    const r = await srl(['data', 'instances', recipe, '--stage', '5']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has no stage 5; its stages are 0 \(0-sft-tiny\), 1 \(1-srl-tiny\)/);
  });
});

describe('srl export', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'srl-export-'));
  let python = '';
  beforeAll(() => {
    // The example's venv (torch, transformers, TRL, datasets, pyarrow); created once, then reused.
    python = path.join(execFileSync(path.join(root, 'examples', 'trl-grpo', 'setup-venv.sh'), { encoding: 'utf8', timeout: 900_000 }).trim(), 'bin', 'python');
  }, 900_000);

  it("writes verl Parquet that pyarrow reads back with verl's schema, TRL JSONL that datasets loads, OpenRLHF JSONL", async () => {
    const rows = lines((await srl(['data', 'instances', recipe, '--stage', '1'])).out);
    for (const [format, file] of [
      ['verl', 'train.parquet'],
      ['trl', 'trl.jsonl'],
      ['openrlhf', 'openrlhf.jsonl'],
    ]) {
      const r = await srl(['export', recipe, '--stage', '1', '--format', format, '--out', path.join(dir, file)]);
      expect(r.code, r.err).toBe(0);
    }
    const check = `
import json, sys, pyarrow.parquet as pq, datasets
t = pq.read_table(sys.argv[1] + "/train.parquet")
d = datasets.load_dataset("json", data_files=sys.argv[1] + "/trl.jsonl", split="train")
print(json.dumps({"schema": [f"{f.name}: {f.type}{'' if f.nullable else ' not null'}" for f in t.schema], "rows": t.num_rows, "first": t.slice(1, 1).to_pylist()[0],
  "trl_rows": d.num_rows, "trl_columns": d.column_names, "trl_prompt": d[1]["prompt"], "trl_reference": d[1]["reference"]}))
`;
    const got = JSON.parse(execFileSync(python, ['-c', check, dir], { encoding: 'utf8' }));
    expect(got.rows).toBe(rows.length);
    expect(got.schema).toEqual([
      'data_source: string not null',
      'prompt: list<element: struct<role: string not null, content: string not null> not null> not null',
      'ability: string not null',
      'reward_model: struct<style: string not null, ground_truth: string not null> not null',
      'extra_info: struct<index: int64 not null, split: string not null, instance_id: string not null, example_id: string not null, kind: string not null, step_index: int32, step_count: int32, metadata: string not null> not null',
    ]);
    expect(got.first).toEqual({
      data_source: 'math/gsm8k',
      prompt: rows[1].messages,
      ability: 'math',
      reward_model: { style: 'rule', ground_truth: rows[1].reference },
      extra_info: {
        index: 1,
        split: 'train',
        instance_id: 'train-1/srl/2',
        example_id: 'train-1',
        kind: 'srl',
        step_index: 2,
        step_count: 2,
        metadata: '{"answer":"72","instanceId":"train-1/srl/2"}',
      },
    });
    expect(got.trl_rows).toBe(rows.length);
    expect(got.trl_columns).toEqual(['prompt', 'reference', 'instance_id', 'example_id', 'kind', 'step_index', 'step_count', 'metadata']);
    expect(got.trl_prompt).toEqual(rows[1].messages);
    expect(got.trl_reference).toBe(rows[1].reference);
    const openrlhf = lines(readFileSync(path.join(dir, 'openrlhf.jsonl'), 'utf8'));
    expect(openrlhf).toHaveLength(rows.length);
    expect(openrlhf[1]).toMatchObject({ prompt: rows[1].messages, label: rows[1].reference, datasource: 'math/gsm8k', instance_id: 'train-1/srl/2' });
  });
});
