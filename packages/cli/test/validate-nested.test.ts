import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRecipe } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { createPluginEnvironment } from '../src/plugin-environment';

describe('recipe validation of plugins named inside options', () => {
  it('checks nested rewards, decomposers and trainer rewards, every problem with its path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srl-nested-'));
    const file = path.join(dir, 'r.json');
    writeFileSync(
      file,
      JSON.stringify({
        policy: ['tfjs-transformer', {}],
        task: ['math/gsm8k', { evalReward: 'math-answr', decomposer: ['gsm8k-lines', { annotations: 'maybe' }] }],
        rewards: [['weighted-sum', { rewards: [{ reward: ['step-similarity', { autojunk: 'no' }] }, { reward: ['gated', { gate: 'nope' }] }] }]],
        stages: [['rlvr', { reward: 'math_answer' }]],
      }),
    );
    const env = await createPluginEnvironment({ discover: false });
    const error = await loadRecipe(file, env).catch((e: { details: string[] }) => e);
    expect((error as { details: string[] }).details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^task\.options\.evalReward: unknown reward plugin "math-answr"; did you mean "math-answer"\?/),
        expect.stringMatching(/^task\.options\.decomposer\.options\.annotations: must be one of/),
        'rewards[0].options.rewards[0].reward.options.autojunk: must be boolean (found "no")',
        expect.stringMatching(/^rewards\[0\]\.options\.rewards\[1\]\.reward\.options\.gate: unknown reward plugin "nope"/),
        expect.stringMatching(/^stages\[0\]\.options\.reward: unknown reward plugin "math_answer"; did you mean "math-answer"\?/),
      ]),
    );
  });
});
