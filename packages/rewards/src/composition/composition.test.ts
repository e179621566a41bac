import { definePlugin, PluginRegistry, type RewardInput } from '@srl/core';
import { quietLogger } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { gatedPlugin } from './gated-plugin';
import { weightedSumPlugin } from './weighted-sum-plugin';

// Test rewards: `len` = completion length / 10; `has-ref` = 1 with a reference, null without; `calls` counts inputs seen.
const seen: Record<string, number> = {};
const fake = (name: string, fn: (i: RewardInput) => number | null) =>
  definePlugin({
    kind: 'reward',
    name,
    optionsSchema: { type: 'object', properties: {} },
    defaults: {},
    create: () => ({
      specVersion: 1 as const,
      name,
      score: async (inputs: RewardInput[]) => {
        seen[name] = (seen[name] ?? 0) + inputs.length;
        return inputs.map((i) => ({ reward: fn(i), components: { raw: fn(i) } }));
      },
    }),
  });

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of [
    weightedSumPlugin,
    gatedPlugin,
    fake('len', (i) => i.completion.length / 10),
    fake('has-ref', (i) => (i.reference ? 1 : null)),
    fake('five', () => 5),
  ])
    r.register(p, 'test');
  return r;
}
const deps = { logger: quietLogger, baseDir: '.' };
const inputs: RewardInput[] = [{ completion: 'abcd', reference: 'x' }, { completion: 'ab' }];

describe('weighted-sum', () => {
  it('sums weighted rewards, leaving out nulls (never counted as 0)', async () => {
    const model = await registry().create(
      'reward',
      [
        'weighted-sum',
        {
          rewards: [
            { reward: 'len', weight: 2 },
            { reward: 'has-ref', weight: 0.5 },
          ],
        },
      ],
      deps,
    );
    const results = await model.score(inputs);
    expect(results.map((r) => r.reward)).toEqual([2 * 0.4 + 0.5, 2 * 0.2]);
    expect(results[1].components).toEqual({ len: 0.2, 'len.raw': 0.2, 'has-ref': null, 'has-ref.raw': null });
  });

  it('is null when no part applies', async () => {
    const model = await registry().create('reward', ['weighted-sum', { rewards: [{ reward: 'has-ref' }] }], deps);
    expect((await model.score([{ completion: 'a' }]))[0].reward).toBeNull();
  });

  it('refuses a part that returns the wrong number of results, as a plugin error naming it', async () => {
    const r = registry();
    r.register(
      definePlugin({
        kind: 'reward',
        name: 'short',
        optionsSchema: { type: 'object' },
        defaults: {},
        create: () => ({ specVersion: 1 as const, name: 'short', score: async () => [] }),
      }),
      'test',
    );
    const model = await r.create('reward', ['weighted-sum', { rewards: [{ reward: 'len' }, { reward: 'short' }] }], deps);
    await expect(model.score(inputs)).rejects.toThrow(
      expect.objectContaining({
        kind: 'plugin',
        message: expect.stringMatching(/reward "short" returned 0 results for 2 inputs; expected one result per input/),
      }),
    );
  });

  it('reports an invalid inner reference with its path', async () => {
    await expect(registry().create('reward', ['weighted-sum', { rewards: [{ reward: 'lenn' }] }], deps, 'rewards[0]')).rejects.toThrow(
      /rewards\[0\]\.options\.rewards\[0\]\.reward: unknown reward plugin "lenn"; did you mean "len"\?/,
    );
  });
});

describe('gated', () => {
  it('uses the then-reward where the gate passes and the fallback elsewhere, scoring each only where needed', async () => {
    const model = await registry().create('reward', ['gated', { gate: 'has-ref', when: 'applies', then: 'len', otherwise: 'five' }], deps);
    seen.len = 0;
    seen.five = 0;
    const results = await model.score(inputs);
    expect(results.map((r) => r.reward)).toEqual([0.4, 5]);
    expect(seen).toMatchObject({ len: 1, five: 1 });
    expect(results[0].components).toMatchObject({ gate: 1, gate_passed: 1, 'then.raw': 0.4 });
    expect(results[1].components).toMatchObject({ gate: null, gate_passed: 0, 'otherwise.raw': 5 });
  });

  it('thresholds the gate and falls back to a constant or null', async () => {
    const constant = await registry().create('reward', ['gated', { gate: 'len', threshold: 0.3, otherwise: -1 }], deps);
    expect((await constant.score(inputs)).map((r) => r.reward)).toEqual([0.4, -1]);
    const none = await registry().create('reward', ['gated', { gate: 'len', threshold: 0.3 }], deps);
    expect((await none.score(inputs)).map((r) => r.reward)).toEqual([0.4, null]);
  });
});
