import { describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { plugins } from '../src/plugins';
import { createPlugin, taskRegistry } from './helpers/task-registry';

describe('@srl/tasks plugins', () => {
  it('registers every plugin (schemas compile under strict ajv) with unique names', () => {
    const registry = taskRegistry();
    const names = registry.list().map((r) => `${r.definition.kind}:${r.definition.name}`);
    expect(names.sort()).toEqual(
      [
        'decomposer:gsm8k-lines',
        'decomposer:numbered',
        'decomposer:paragraphs',
        'task:jsonl-benchmark',
        'task:math/aime24',
        'task:math/amc23',
        'task:math/gsm8k',
        'task:math/math500',
        'task:math/minerva',
        'task:math/s1k',
        'task:math/synthetic-arithmetic',
        'task:swe/openhands',
        'task:swe/sweagent',
        'task:swe/swesmith',
        'task:swe/trajectories',
        'environment:swe/sandbox',
        'task:swe/builtin',
        'reward:tests-pass',
      ].sort(),
    );
    expect(plugins).toHaveLength(18);
  });

  it('creates every task whose options have defaults, with accuracy scored by math-answer', async () => {
    for (const name of ['math/gsm8k', 'math/math500', 'math/aime24', 'math/amc23', 'math/minerva', 'math/synthetic-arithmetic']) {
      const task = await createPlugin('task', name);
      expect(task.name).toBe(name);
      expect(task.evalMetric).toEqual({ name: 'accuracy', reward: 'math-answer' });
    }
  });

  it('refuses unknown options and missing required ones, naming the path', async () => {
    await expect(createPlugin('task', ['math/gsm8k', { decomposr: 'numbered' }])).rejects.toThrow(/decomposr/);
    await expect(createPlugin('task', ['jsonl-benchmark', { path: 'x.jsonl' }])).rejects.toThrow(/problemField/);
    await expect(createPlugin('decomposer', ['gsm8k-lines', { annotations: 'drop' }])).rejects.toThrow(/annotations/);
    const error = await createPlugin('task', ['math/gsm8k', { decomposer: 'no-such-decomposer' }]).catch((e: unknown) => e);
    expect(isSrlError(error) && error.message).toMatch(/unknown decomposer plugin "no-such-decomposer"/);
    await expect(createPlugin('task', ['math/amc23', { evalReward: [1] }])).rejects.toThrow(/evalReward/);
    await expect(createPlugin('task', ['math/synthetic-arithmetic', { operations: ['power'] }])).rejects.toThrow(/operations/);
    expect((await createPlugin('task', ['math/amc23', { evalReward: ['math-answer'] }])).evalMetric.reward).toEqual(['math-answer']);
  });

  it('accepts a decomposer as [name, options] and an evalReward override', async () => {
    const task = await createPlugin('task', [
      'math/gsm8k',
      { decomposer: ['gsm8k-lines', { annotations: 'keep' }], evalReward: ['math-answer', { mode: 'x' }] },
    ]);
    expect(task.evalMetric.reward).toEqual(['math-answer', { mode: 'x' }]);
    const { examples } = await task.load('train', { limit: 1 });
    expect(examples[0].steps?.[0]).toBe('Natalia sold 48/2 = <<48/2=24>>24 clips in May.');
  });
});
