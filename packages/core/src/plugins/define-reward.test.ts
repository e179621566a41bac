import { describe, expect, it } from 'vitest';
import type { Logger } from '../contracts/logger';
import { CheckedReward } from '../rewards-math/checked-reward';
import { defineReward } from './define-reward';
import { Default, Type } from './options-schema';
import { PluginRegistry } from './plugin-registry';

const deps = { logger: { log: () => {} } as unknown as Logger, baseDir: '.' };

describe('defineReward', () => {
  it('makes a reward plugin of a batched function: numbers and nulls become results, options typed and defaulted', async () => {
    const plugin = defineReward(
      'ends-with',
      async (inputs, options) => inputs.map((i) => (i.reference === undefined ? null : i.completion.trim().endsWith(i.reference) ? options.bonus : 0)),
      {
        description: 'bonus when the completion ends with the reference',
        options: Type.Object({ bonus: Default(Type.Number({ minimum: 0 }), 1) }, { additionalProperties: false }),
      },
    );
    expect(plugin.defaults).toEqual({ bonus: 1 });
    const registry = new PluginRegistry();
    registry.register(plugin, 'test');
    expect(registry.resolve('reward', ['ends-with', { bonus: -1 }], 'rewards[0]').errors).toEqual(['rewards[0].options.bonus: must be >= 0 (found -1)']);
    const reward = new CheckedReward(await registry.create('reward', ['ends-with', { bonus: 2 }], deps), { at: 'rewards[0]' });
    expect(await reward.score([{ completion: 'so 42', reference: '42' }, { completion: '41', reference: '42' }, { completion: 'x' }])).toEqual([
      { reward: 2, components: {} },
      { reward: 0, components: {} },
      { reward: null, components: {} },
    ]);
  });

  it('passes full results through, and its outputs get the same checks as any reward', async () => {
    const registry = new PluginRegistry();
    registry.register(
      defineReward('parts', (inputs) => inputs.map((i) => ({ reward: i.completion.length, components: { chars: i.completion.length } }))),
      'test',
    );
    registry.register(
      defineReward('short', (inputs) => inputs.slice(1).map(() => 1)),
      'test',
    );
    registry.register(
      defineReward('nan', (inputs) => inputs.map(() => Number.NaN)),
      'test',
    );
    const checked = async (name: string) => new CheckedReward(await registry.create('reward', name, deps), { at: 'rewards[0]' });
    expect(await (await checked('parts')).score([{ completion: 'abc' }])).toEqual([{ reward: 3, components: { chars: 3 } }]);
    await expect((await checked('short')).score([{ completion: 'a' }, { completion: 'b' }])).rejects.toThrow(
      'reward "short" (rewards[0]) returned 1 results for 2 inputs',
    );
    await expect((await checked('nan')).score([{ completion: 'a' }])).rejects.toThrow(
      'reward "nan" (rewards[0]): result 0 has reward NaN; expected a finite number',
    );
    expect(registry.resolve('reward', ['parts', { weight: 2 }], 'rewards[0]').errors).toEqual(['rewards[0].options.weight: unknown key']);
  });
});
