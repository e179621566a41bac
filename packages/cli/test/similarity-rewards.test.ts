// The similarity rewards end to end: from `srl reward` (no policy) and from a recipe run by `srl train` (the stage's
// policy tokenizer reaches `tokens: "policy"`), including the one-step ablation on whole-solution instances.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { srl } from './run-srl';

const dir = mkdtempSync(path.join(tmpdir(), 'srl-similarity-'));
const rows = path.join(dir, 'rows.jsonl');
writeFileSync(
  rows,
  [
    { completion: '<think>halve</think>She sold 24 clips in May.', reference: 'Natalia sold 24 clips in May.' },
    { completion: 'no think block', reference: 'Natalia sold 24 clips in May.' },
    { completion: '<think>all of it</think>1. Natalia sold 24 clips.\n2. So 72 in all.', reference: '1. Natalia sold 24 clips.\n2. So 72 in all.' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);
const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { reward: number | null; components: Record<string, number | null> });

describe('similarity rewards from srl reward', () => {
  it('token-edit-similarity, rouge-l and solution-similarity score rows, with the step format rule', async () => {
    const edit = await srl(['reward', 'token-edit-similarity', '--input', rows]);
    expect(edit.code, edit.err).toBe(0);
    expect(lines(edit.out).map((l) => l.reward)).toEqual([1 - 1 / 7, -1, -1]); // one word replaced of 7 tokens; the third holds two steps
    const rouge = await srl(['reward', 'rouge-l', '--input', rows, '--options', '{"tokens":"characters","beta":2}']);
    expect(rouge.code, rouge.err).toBe(0);
    // The LCS is " sold 24 clips in May." (22 characters): "She" and "Natalia" share no letter.
    expect(lines(rouge.out)[0].components).toMatchObject({ format_ok: 1, precision: 22 / 25, recall: 22 / 29 });
    const solution = await srl(['reward', 'solution-similarity', '--input', rows]);
    expect(lines(solution.out).map((l) => l.reward)).toEqual([expect.any(Number), -1, 1]);
  });

  it('refuses tokens: "policy", which needs a policy, with exit 2', async () => {
    const { code, out, err } = await srl(['reward', 'rouge-l', '--input', rows, '--options', '{"tokens":"policy"}']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/rouge-l: tokens: "policy" needs a policy's tokenizer/);
  });

  it('are listed by srl plugins', async () => {
    const { out } = await srl(['plugins', '--json']);
    const names = (JSON.parse(out) as { name: string; kind: string }[]).filter((p) => p.kind === 'reward').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['step-similarity', 'token-edit-similarity', 'rouge-l', 'solution-similarity']));
  });
});

describe('similarity rewards from a recipe', () => {
  it('train with policy-token rewards step-wise, then solution-similarity on whole-solution SRL instances', async () => {
    const policy = [
      'tfjs-transformer',
      {
        preset: 'llama-tiny',
        tokenizer: 'byte',
        config: { hiddenSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 32, maxPositions: 768 },
      },
    ];
    const grpo = { limit: 2, batchSize: 2, groupSize: 2, maxTokens: 6, maxPromptTokens: 700, epochs: 1 };
    const recipe = {
      name: 'similarity-rewards',
      seed: 2,
      policy,
      task: ['math/gsm8k', { systemPrompt: 'Next step.' }],
      stages: [
        {
          trainer: ['srl-tiny', grpo],
          rewards: [
            ['token-edit-similarity', { tokens: 'policy', format: 'plain' }],
            { reward: ['rouge-l', { tokens: 'policy', format: 'plain' }], weight: 0.5 },
          ],
        },
        {
          trainer: ['srl-tiny', grpo],
          task: ['math/gsm8k', { srlMode: 'whole', evalSystemPrompt: 'Solve it.' }],
          rewards: [['solution-similarity', { format: 'plain' }]],
        },
      ],
    };
    const file = path.join(dir, 'recipe.json');
    writeFileSync(file, JSON.stringify(recipe));
    const out = path.join(dir, 'run');
    const { code, err } = await srl(['train', file, '--out', out, '--max-steps', '1', '--backend', 'cpu']);
    expect(code, err).toBe(0);
    const metrics = (stage: string) =>
      readFileSync(path.join(out, 'stages', stage, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const [stepwise] = metrics('0-srl-tiny');
    expect(Object.keys(stepwise)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^reward\/token-edit-similarity\.distance/), expect.stringMatching(/^reward\/rouge-l\.recall/)]),
    );
    const [whole] = metrics('1-srl-tiny');
    expect(whole.step).toBe(1);
    expect((whole.sample as { reference: string }).reference).toMatch(/^1\. .*\n2\. [\s\S]*The final answer is \$\\boxed\{/);
  });
});
