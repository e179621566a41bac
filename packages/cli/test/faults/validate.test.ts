// Item 12 (and 11's NaN weight): srl validate reports what train would reject, all at once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { srl, tmp } from './run-cli';

describe('faults: validate', () => {
  it.concurrent('reports semantic problems found by the plugins\' check hooks: heads, data folder, data file', async () => {
    const dir = tmp();
    const recipe = path.join(dir, 'bad.yaml');
    writeFileSync(
      recipe,
      [
        'policy: [tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { hiddenSize: 30, numHeads: 4 } }]',
        `task: [math/gsm8k, { dataDir: ${JSON.stringify(path.join(dir, 'missing'))} }]`,
        'stages: [sft-tiny]',
        'eval:',
        '  benchmarks: [[jsonl-benchmark, { path: nope.jsonl, problemField: p, answerField: a }]]',
      ].join('\n'),
    );
    const result = await srl(['validate', recipe]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policy\.options: config: hiddenSize 30 is not a multiple of numHeads 4/);
    expect(result.stderr).toMatch(/task\.options: data folder from option dataDir does not exist/);
    expect(result.stderr).toMatch(/eval\.benchmarks\[0\]\.options: path: the data file .*nope\.jsonl does not exist/);
  });

  it.concurrent('names a YAML .nan weight as NaN, not null', async () => {
    const dir = tmp();
    const recipe = path.join(dir, 'nan.yaml');
    writeFileSync(recipe, 'policy: tfjs-transformer\ntask: math/synthetic-arithmetic\nrewards:\n  - { reward: step-similarity, weight: .nan }\nstages: [srl-tiny]\n');
    const result = await srl(['validate', recipe]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rewards\[0\]\.weight: must be number \(found NaN\)/);
  });
});
