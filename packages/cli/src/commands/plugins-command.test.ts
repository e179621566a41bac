import { Default, definePlugin, PluginRegistry, trainerPlugins, Type } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { describePlugin } from './plugins-command';

describe('srl plugins documentation', () => {
  it('comes from the options declaration: type, default, choices and description of each option', () => {
    const registry = new PluginRegistry();
    for (const p of trainerPlugins) registry.register(p, '@srl/core');
    const srl = describePlugin(registry.get('trainer', 'srl'));
    const tiny = describePlugin(registry.get('trainer', 'srl-tiny'));
    expect(srl.options.groupSize).toEqual({ type: 'integer', default: 8, description: 'rollouts per instance (G)' });
    expect(srl.options.aggregation).toEqual({ type: 'string', default: 'token-mean', enum: ['token-mean', 'sequence-mean'] });
    // A preset changes defaults only.
    expect(tiny.options.batchSize).toEqual({ ...srl.options.batchSize, default: 4 });
    expect(Object.keys(tiny.options)).toEqual(Object.keys(srl.options));
  });

  it('lists the fields of object options with their defaults', () => {
    const registry = new PluginRegistry();
    const nested = Type.Object(
      { size: Default(Type.Integer({ minimum: 1, description: 'the size' }), 3), name: Type.Optional(Type.String()) },
      { additionalProperties: false },
    );
    registry.register(
      definePlugin({
        kind: 'reward',
        name: 'nested',
        options: Type.Object({ inner: Default(nested, {}) }),
        create: () => ({ specVersion: 1, name: 'nested', score: async () => [] }),
      }),
      'x',
    );
    expect(describePlugin(registry.get('reward', 'nested')).options).toEqual({
      inner: { type: 'object', default: {} },
      'inner.size': { type: 'integer', default: 3, description: 'the size' },
      'inner.name': { type: 'string' },
    });
  });
});
