// Item 12 (and 11's NaN weight): srl validate reports what train would reject, all at once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recipeCopy, srl, tmp } from './run-cli';

describe('faults: validate', () => {
  it.concurrent("reports semantic problems found by the plugins' check hooks: heads, data folder, data file", async () => {
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
    writeFileSync(
      recipe,
      'policy: tfjs-transformer\ntask: math/synthetic-arithmetic\nrewards:\n  - { reward: step-similarity, weight: .nan }\nstages: [srl-tiny]\n',
    );
    const result = await srl(['validate', recipe]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rewards\[0\]\.weight: must be number \(found NaN\)/);
  });

  it.concurrent("measures each stage's prompts with the policy's tokenizer: over maxPositions is a problem, over maxPromptTokens a note", async () => {
    const dir = tmp();
    // The tiny recipe's prompts are ~100-190 byte tokens; a 160-position model cannot take them all.
    const tooLong = recipeCopy('tiny.recipe.yaml', dir, { 'maxPositions: 512': 'maxPositions: 160' }, 'too-long.yaml');
    const onPurpose = recipeCopy(
      'tiny.recipe.yaml',
      dir,
      { 'maxPositions: 512': 'maxPositions: 160', 'maxPromptTokens: 400': 'maxPromptTokens: 150' },
      'on-purpose.yaml',
    );
    const none = recipeCopy('tiny.recipe.yaml', dir, { 'maxPromptTokens: 400': 'maxPromptTokens: 10' }, 'none.yaml');
    const fine = recipeCopy('tiny.recipe.yaml', dir, {}, 'fine.yaml');
    const [bad, noted, empty, valid] = await Promise.all([tooLong, onPurpose, none, fine].map((r) => srl(['validate', r])));
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(
      /stages\[0\]: math\/synthetic-arithmetic\/train: 9 of 24 srl prompts are longer than the model's maxPositions 160 \(a prompt may have 159 tokens, leaving one to answer\); the longest has 189 tokens\. Training would drop them\. Raise policy\.options\.config\.maxPositions \(to at least 190\), set the stage's maxPromptTokens to 159 or less .*shorter systemPrompt.*first: instance synthetic-arithmetic\/train\/0\/srl\/3: 189 prompt tokens/,
    );
    expect(bad.stderr).toMatch(/stages\[1\]: math\/synthetic-arithmetic\/train: 9 of 24 srl prompts are longer than the model's maxPositions 160/);

    // Leaving them out on purpose (maxPromptTokens under the context) is valid, and said.
    expect(noted.code, noted.stderr).toBe(0);
    expect(noted.stdout).toMatch(
      /note: stages\[0\]: math\/synthetic-arithmetic\/train: 14 of 24 srl prompts are over maxPromptTokens 150 \(the longest has 189 tokens\) and will be left out/,
    );

    // Every prompt over the limit: training would have nothing to train on.
    expect(empty.code, empty.stderr).toBe(2);
    expect(empty.stderr).toMatch(
      /stages\[0\]: math\/synthetic-arithmetic\/train: 24 of 24 srl prompts are longer than maxPromptTokens 10; the longest has 189 tokens\. Training would have nothing to train on/,
    );

    // The fixture as it is: every prompt fits, nothing to note.
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).not.toMatch(/note:/);
  });
});
