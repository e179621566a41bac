import { PluginRegistry, type RewardInput } from '@srl/core';
import { checkRewardPlugin, quietLogger } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { type MathAnswerReward, mathAnswerPlugin, type MathAnswerOptions } from './math-answer-reward';
import { plugins } from './plugins';

const inputs: RewardInput[] = [
  { completion: 'We get $x = \\frac{6}{8}$, so the answer is $\\boxed{\\frac34}$.', reference: '\\frac{3}{4}' },
  { completion: 'So 9 * 2 = 18.\n#### 18', reference: 'Janet sells 9 eggs.\nShe makes 9 * 2 = $<<9*2=18>>18.\n#### 18' },
  { completion: 'The answer is $\\boxed{5}$.', reference: '6' },
  { completion: 'I could not solve it.', reference: '6' },
  { completion: '\\boxed{5}', reference: '\\unknowncommand{' },
  { completion: '\\boxed{5}' },
];

async function create(options: Partial<MathAnswerOptions> = {}): Promise<MathAnswerReward> {
  const registry = new PluginRegistry();
  registry.register(mathAnswerPlugin, 'test');
  const { errors, options: resolved } = registry.resolve('reward', ['math-answer', options], 'options');
  expect(errors).toEqual([]);
  return mathAnswerPlugin.create(resolved as unknown as MathAnswerOptions, {
    create: () => Promise.reject(new Error('unused')),
    logger: quietLogger,
    baseDir: '.',
  }) as MathAnswerReward;
}

describe('math-answer reward plugin', () => {
  it('honours the RewardModel contract', async () => {
    const report = await checkRewardPlugin(mathAnswerPlugin, { inputs, invalidOptions: { extractFrom: 'first-box' } });
    expect(report.failures).toEqual([]);
  });

  it('is registered in the package plugin list', () => {
    expect(plugins).toContain(mathAnswerPlugin);
  });

  it('scores 1 / 0 with components, and null where the gold does not apply', async () => {
    const reward = await create();
    const results = await reward.score(inputs);
    expect(results.map((r) => r.reward)).toEqual([1, 1, 0, 0, null, null]);
    expect(results[0].components).toEqual({ extracted: 1, correct: 1, timeout: 0 });
    expect(results[2].components).toEqual({ extracted: 1, correct: 0, timeout: 0 });
    expect(results[3].components).toEqual({ extracted: 0, correct: 0, timeout: 0 });
    expect(results[4].components).toEqual({ extracted: 1, correct: null, timeout: 0 });
  });

  it('records a timeout as 0 with the timeout component', async () => {
    const reward = await create({ timeoutMs: 1e-6 });
    const [result] = await reward.score([{ completion: '\\boxed{\\frac{1}{2}}', reference: '0.5' }]);
    expect(result).toEqual({ reward: 0, components: { extracted: 1, correct: 0, timeout: 1 } });
  });

  it('options: last-boxed extraction, a metadata gold column, precision', async () => {
    const boxedOnly = await create({ extractFrom: 'last-boxed' });
    const [plain, boxed] = await boxedOnly.score([
      { completion: 'The answer is 18.', reference: '18' },
      { completion: 'The answer is \\boxed{18}.', reference: '18' },
    ]);
    expect([plain.reward, boxed.reward]).toEqual([0, 1]);

    const fromColumn = await create({ referenceField: 'answer' });
    const [amc] = await fromColumn.score([{ completion: '\\boxed{27}', metadata: { answer: 27.0 } }]);
    expect(amc.reward).toBe(1);

    const coarse = await create({ precision: 2 });
    expect((await coarse.score([{ completion: '\\boxed{0.33}', reference: '\\frac13' }]))[0].reward).toBe(1);
    expect((await (await create()).score([{ completion: '\\boxed{0.33}', reference: '\\frac13' }]))[0].reward).toBe(0);
  });

  it('refuses unknown and ill-typed options, listing each', () => {
    const registry = new PluginRegistry();
    registry.register(mathAnswerPlugin, 'test');
    const { errors } = registry.resolve('reward', ['math-answer', { timeoutMs: -1, extractFrom: 'first', colour: 'red' }], 'options');
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });
});
