// Item 6 in evaluation: the metric reward's output is checked as in training.
import { describe, expect, it } from 'vitest';
import { CheckedReward, evaluatePolicy, REWARD_SPEC_VERSION, type RewardModel } from '../src/index';
import { BigramPolicy } from './support/bigram-policy';
import { listTask } from './support/test-plugins';

const reward = (score: RewardModel['score']): RewardModel => ({ specVersion: REWARD_SPEC_VERSION, name: 'judge', score });
const inputs = [{ completion: 'a' }, { completion: 'b' }];

describe('CheckedReward', () => {
  it('passes one finite-or-null result per input through', async () => {
    const r = new CheckedReward(
      reward(async (xs) => xs.map((_, i) => ({ reward: i === 0 ? 0.5 : null, components: {} }))),
      { at: 'rewards[0]' },
    );
    expect(await r.score(inputs)).toEqual([
      { reward: 0.5, components: {} },
      { reward: null, components: {} },
    ]);
  });

  it.each([
    ['too few', async () => [{ reward: 1, components: {} }], /reward "judge" \(rewards\[0\]\) returned 1 results for 2 inputs/],
    [
      'Infinity',
      async () => [
        { reward: 1, components: {} },
        { reward: Infinity, components: {} },
      ],
      /result 1 has reward Infinity; expected a finite number, or null/,
    ],
    [
      'a string',
      async () => [
        { reward: '1', components: {} },
        { reward: 1, components: {} },
      ],
      /result 0 has reward "1" \(a string\)/,
    ],
    [
      'a NaN component',
      async () => [
        { reward: 1, components: { f: NaN } },
        { reward: 1, components: {} },
      ],
      /result 0 has component "f" = NaN/,
    ],
  ])('refuses %s, naming the plugin and the first bad index', async (_label, score, message) => {
    await expect(new CheckedReward(reward(score as RewardModel['score']), { at: 'rewards[0]' }).score(inputs)).rejects.toThrow(message);
  });

  it('fails a batch that does not answer in time', async () => {
    const r = new CheckedReward(
      reward(() => new Promise(() => undefined)),
      { at: 'rewards[0]', timeoutSeconds: 0.05 },
    );
    await expect(r.score(inputs)).rejects.toThrow(/did not answer within 0.05 s for a batch of 2 inputs/);
  });

  it('is applied by evaluatePolicy to the metric reward', async () => {
    const policy = new BigramPolicy(1);
    const short = reward(async (xs) => xs.slice(1).map(() => ({ reward: 1, components: {} })));
    const run = evaluatePolicy({
      policy,
      task: listTask(4),
      reward: short,
      split: 'validation',
      greedy: true,
      samples: 0,
      temperature: 0,
      topP: 1,
      maxTokens: 4,
      batchSize: 4,
    });
    await expect(run).rejects.toThrow(/reward "judge" \(test\/add\.evalMetric\) returned 3 results for 4 inputs/);
  });
});
