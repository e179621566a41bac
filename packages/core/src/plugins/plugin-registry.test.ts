import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { isSrlError } from '../errors';
import { Plugin, definePlugin } from './define-plugin';
import { PluginRegistry } from './plugin-registry';

const reward = (name: string) =>
  definePlugin({
    kind: 'reward',
    name,
    optionsSchema: { type: 'object', properties: { groupSize: { type: 'integer', minimum: 2 }, mode: { type: 'string', enum: ['a', 'b'] } } },
    defaults: { groupSize: 8, mode: 'a' },
    create: (options) => ({
      specVersion: 1 as const,
      name,
      score: async (inputs) => inputs.map(() => ({ reward: options.groupSize, components: {} })),
    }),
  });

const moduleOf = (...defs: ReturnType<typeof reward>[]) =>
  new ContainerModule(({ bind }) => {
    for (const d of defs) bind(Plugin).toConstantValue(d);
  });

describe('PluginRegistry', () => {
  it('loads a ContainerModule and indexes plugins by kind and name', async () => {
    const registry = new PluginRegistry();
    await registry.loadModule(moduleOf(reward('step-similarity'), reward('math-answer')), '@srl/rewards');
    expect(registry.list('reward').map((p) => [p.definition.name, p.packageName])).toEqual([
      ['math-answer', '@srl/rewards'],
      ['step-similarity', '@srl/rewards'],
    ]);
    expect(registry.list('task')).toEqual([]);
  });

  it('refuses a duplicate name, naming both packages', async () => {
    const registry = new PluginRegistry();
    await registry.loadModule(moduleOf(reward('step-similarity')), '@srl/rewards');
    const error = await registry.loadModule(moduleOf(reward('step-similarity')), 'srl-plugin-other').catch((e: unknown) => e);
    expect(isSrlError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(
      /duplicate reward plugin "step-similarity": registered by "@srl\/rewards" and again by "srl-plugin-other"/,
    );
  });

  it('answers an unknown name with what is registered and the closest match', async () => {
    const registry = new PluginRegistry();
    await registry.loadModule(moduleOf(reward('step-similarity'), reward('math-answer')), '@srl/rewards');
    expect(() => registry.get('reward', 'step-similarty', 'rewards[0]')).toThrow(
      /rewards\[0\]: unknown reward plugin "step-similarty"; did you mean "step-similarity"\? Registered reward plugins: math-answer, step-similarity/,
    );
  });

  it('validates options with defaults, every problem with its path, unknown keys refused', () => {
    const registry = new PluginRegistry();
    registry.register(reward('r'), 'x');
    const ok = registry.resolve('reward', ['r', { mode: 'b' }], 'rewards[0]');
    expect(ok.errors).toEqual([]);
    expect(ok.options).toEqual({ groupSize: 8, mode: 'b' });
    const bad = registry.resolve('reward', ['r', { groupSize: 1, mode: 'c', grupSize: 3 }], 'stages[1]');
    expect(bad.errors).toEqual([
      'stages[1].options.grupSize: unknown key (did you mean "groupSize"?); allowed keys: groupSize, mode',
      'stages[1].options.groupSize: must be >= 2 (found 1)',
      'stages[1].options.mode: must be one of "a", "b" (found "c")',
    ]);
  });

  it('creates instances with validated options and refuses invalid ones', async () => {
    const registry = new PluginRegistry();
    registry.register(reward('r'), 'x');
    const deps = { logger: { log() {}, metrics() {}, progress() {} }, baseDir: '.' };
    const model = await registry.create('reward', ['r', { groupSize: 4 }], deps);
    expect(await model.score([{ completion: 'a' }])).toEqual([{ reward: 4, components: {} }]);
    await expect(registry.create('reward', ['r', { groupSize: 'four' }], deps)).rejects.toThrow(/reward\.options\.groupSize: must be integer \(found "four"\)/);
  });

  it('rejects plugin names that are not kebab-case', () => {
    expect(() => reward('Step_Similarity')).toThrow(
      expect.objectContaining({
        kind: 'plugin',
        message: expect.stringMatching(/plugin name "Step_Similarity" is not kebab-case; expected .*: rename the plugin/),
      }),
    );
  });
});

describe('errors inside a plugin', () => {
  it('are tagged once with the plugin name, package and recipe path', async () => {
    const registry = new PluginRegistry();
    registry.register(
      definePlugin({
        kind: 'reward',
        name: 'broken',
        optionsSchema: { type: 'object' },
        defaults: {},
        create: () => {
          throw new TypeError('cannot read x of undefined');
        },
      }),
      'srl-plugin-broken',
    );
    registry.register(
      definePlugin({
        kind: 'reward',
        name: 'outer',
        optionsSchema: { type: 'object' },
        defaults: {},
        create: (_o, deps) => deps.create('reward', 'broken', 'inner'),
      }),
      'srl-plugin-outer',
    );
    const deps = { logger: { log() {}, metrics() {}, progress() {} }, baseDir: '.' };
    await expect(registry.create('reward', 'broken', deps, 'rewards[0]')).rejects.toThrow(
      'rewards[0]: reward plugin "broken" (srl-plugin-broken) failed: cannot read x of undefined',
    );
    const nested = await registry.create('reward', 'outer', deps, 'rewards[1]').catch((e: Error) => e);
    expect(String(nested)).toContain('rewards[1].options.inner: reward plugin "broken" (srl-plugin-broken) failed');
    expect(String(nested)).not.toContain('"outer"');
  });
});
