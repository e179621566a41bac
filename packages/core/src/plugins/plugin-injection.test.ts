import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { describe, expect, it } from 'vitest';
import { Clock, type Clock as ClockService } from '../contracts/clock';
import { createAppContainer } from '../di/app-container';
import { isSrlError } from '../errors';
import { quietLogger } from '../testing/quiet-logger';
import { definePlugin, Plugin, TokenEncoder } from './define-plugin';
import { optionalService, type OptionalService } from './plugin-injection';
import { PluginRegistry } from './plugin-registry';

/** A reward that scores each completion by what its injected services say. */
const tokenCount = definePlugin<'reward', Record<string, never>, { tokenizer: typeof TokenEncoder; clock: OptionalService<ClockService> }>({
  kind: 'reward',
  name: 'token-count',
  optionsSchema: { type: 'object', properties: {} },
  defaults: {},
  inject: { tokenizer: TokenEncoder, clock: optionalService(Clock) },
  create: (_options, { tokenizer, clock }) => ({
    specVersion: 1,
    name: 'token-count',
    score: async (inputs) => inputs.map((i) => ({ reward: tokenizer.encode(i.completion).length, components: { time: clock?.now() ?? null } })),
  }),
});
const deps = { logger: quietLogger, baseDir: '.' };

describe('plugin injection', () => {
  it('resolves declared services from the container the plugin is created in, optional ones as undefined', async () => {
    const registry = new PluginRegistry();
    registry.register(tokenCount, 'test');
    const app = createAppContainer({ registry, logger: quietLogger, clock: { now: () => 42, monotonic: () => 0 } });
    // Bound in the application container: a child (a stage's) sees it, and may override it.
    app.bind(TokenEncoder).toConstantValue({ encode: (t) => [...t].map((c) => c.codePointAt(0)!) });
    const [r] = await (await registry.create('reward', 'token-count', deps)).score([{ completion: 'abcd' }]);
    expect(r).toEqual({ reward: 4, components: { time: 42 } });
    app.unbind(Clock);
    const [withoutClock] = await (await registry.create('reward', 'token-count', deps)).score([{ completion: 'ab' }]);
    expect(withoutClock).toEqual({ reward: 2, components: { time: null } });
  });

  it('refuses to create a plugin whose required service is not bound, naming the service', async () => {
    const registry = new PluginRegistry();
    registry.register(tokenCount, 'test');
    const error = await registry.create('reward', 'token-count', deps, 'rewards[0]').catch((e: unknown) => e);
    expect(isSrlError(error) && error.kind).toBe('plugin');
    expect((error as Error).message).toMatch(
      /^rewards\[0\]: reward plugin "token-count" \(test\) needs tokenizer \(TokenEncoder\), which is not available here/,
    );
  });

  it('refuses an injection that shadows a deps name or is not a token', () => {
    const registry = new PluginRegistry();
    const bad = (inject: Record<string, unknown>) => definePlugin({ ...tokenCount, name: 'bad', inject: inject as never });
    expect(() => registry.register(bad({ logger: Clock }), 'test')).toThrow(/declares inject.logger, which is a name its deps already use/);
    expect(() => registry.register(bad({ clock: 3 }), 'test')).toThrow(/declares inject.clock, which is not a DI token/);
  });

  it("loads a package's ContainerModule into the application container: its services reach its plugins", async () => {
    const Greeting: ServiceIdentifier<string> = Symbol.for('test/Greeting');
    const greeter = definePlugin<'reward', Record<string, never>, { greeting: ServiceIdentifier<string> }>({
      kind: 'reward',
      name: 'greeter',
      optionsSchema: { type: 'object', properties: {} },
      defaults: {},
      inject: { greeting: Greeting },
      create: (_o, { greeting }) => ({ specVersion: 1, name: greeting, score: async (inputs) => inputs.map(() => ({ reward: 1, components: {} })) }),
    });
    const registry = new PluginRegistry();
    const app = createAppContainer({ registry, logger: quietLogger });
    await registry.loadModule(
      new ContainerModule(({ bind }) => {
        bind(Plugin).toConstantValue(greeter);
        bind(Greeting).toConstantValue('hello from the package');
      }),
      'srl-plugin-greeter',
    );
    expect(app.get(Greeting)).toBe('hello from the package');
    expect((await registry.create('reward', 'greeter', deps)).name).toBe('hello from the package');
    // A second package's module adds its plugins only; the first one's are not registered twice.
    await registry.loadModule(
      new ContainerModule(({ bind }) => void bind(Plugin).toConstantValue(definePlugin({ ...tokenCount, name: 'other' }))),
      'srl-plugin-other',
    );
    expect(registry.list('reward').map((p) => [p.definition.name, p.packageName])).toEqual([
      ['greeter', 'srl-plugin-greeter'],
      ['other', 'srl-plugin-other'],
    ]);
  });

  it("nested plugins (a composed reward's parts) are created where their parent was, and get the same services", async () => {
    const registry = new PluginRegistry();
    registry.register(tokenCount, 'test');
    registry.register(
      definePlugin({
        ...tokenCount,
        name: 'doubled',
        inject: {},
        create: async (_o, d) => {
          const inner = await d.create('reward', 'token-count', 'inner');
          return {
            specVersion: 1,
            name: 'doubled',
            score: async (inputs) => (await inner.score(inputs)).map((r) => ({ reward: 2 * r.reward!, components: {} })),
          };
        },
      }),
      'test',
    );
    const app = createAppContainer({ registry, logger: quietLogger });
    app.bind(TokenEncoder).toConstantValue({ encode: (t) => t.split(' ').map(Number) });
    const [r] = await (await registry.create('reward', 'doubled', deps)).score([{ completion: '1 2 3' }]);
    expect(r.reward).toBe(6);
  });
});
