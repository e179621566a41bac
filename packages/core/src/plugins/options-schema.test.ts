import { describe, expect, it } from 'vitest';
import { isSrlError } from '../errors';
import { definePlugin } from './define-plugin';
import { Default, PluginRefType, schemaDefaults, StringEnum, Type, withDefaults, type PluginOptions } from './options-schema';
import { PluginRegistry } from './plugin-registry';

const options = Type.Object(
  {
    groupSize: Default(Type.Integer({ minimum: 2, description: 'rollouts per instance' }), 8),
    mode: Default(StringEnum(['a', 'b']), 'a'),
    stop: Type.Optional(Type.Array(Type.String())),
    inner: Default(PluginRefType(), 'exact'),
  },
  { additionalProperties: false },
);

const seen: PluginOptions<typeof options>[] = [];
const plugin = definePlugin({
  kind: 'reward',
  name: 'declared',
  options,
  create: (o) => {
    seen.push(o);
    // Typed from the declaration: defaulted keys are present, the others optional.
    const size: number = o.groupSize;
    const mode: 'a' | 'b' = o.mode;
    const stop: string[] | undefined = o.stop;
    return {
      specVersion: 1 as const,
      name: 'declared',
      score: async (inputs) => inputs.map(() => ({ reward: size + mode.length + (stop?.length ?? 0), components: {} })),
    };
  },
});

describe('plugin options declared once', () => {
  it('derives the JSON Schema and the defaults from the declaration', () => {
    expect(JSON.parse(JSON.stringify(plugin.optionsSchema))).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        groupSize: { type: 'integer', minimum: 2, description: 'rollouts per instance', default: 8 },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
        stop: { type: 'array', items: { type: 'string' } },
        inner: expect.objectContaining({ type: ['string', 'array'], default: 'exact' }),
      },
    });
    expect(plugin.defaults).toEqual({ groupSize: 8, mode: 'a', inner: 'exact' });
    expect('options' in plugin).toBe(false);
  });

  it('is validated by the registry with ajv strict: defaults filled in, unknown and wrong keys refused', async () => {
    const registry = new PluginRegistry();
    registry.register(plugin, 'x');
    expect(registry.resolve('reward', ['declared', { mode: 'b' }], 'rewards[0]')).toMatchObject({
      errors: [],
      options: { groupSize: 8, mode: 'b', inner: 'exact' },
    });
    expect(registry.resolve('reward', ['declared', { grupSize: 3, mode: 'c' }], 'rewards[0]').errors).toEqual([
      'rewards[0].options.grupSize: unknown key (did you mean "groupSize"?); allowed keys: groupSize, mode, stop, inner',
      'rewards[0].options.mode: must be one of "a", "b" (found "c")',
    ]);
    await registry.create('reward', 'declared', { logger: { log: () => {} } as never, baseDir: '.' });
    expect(seen.at(-1)).toEqual({ groupSize: 8, mode: 'a', inner: 'exact' });
  });

  it('withDefaults changes only defaults, leaves the declaration alone, and refuses keys it does not declare', () => {
    const preset = withDefaults(options, { groupSize: 4 });
    expect(preset.properties.groupSize).toMatchObject({ minimum: 2, default: 4 });
    expect(schemaDefaults(preset)).toEqual({ groupSize: 4, mode: 'a', inner: 'exact' });
    expect(options.properties.groupSize.default).toBe(8);
    const error = (() => {
      try {
        withDefaults(options, { groupSise: 4 } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(isSrlError(error) && error.message).toMatch(/"groupSise" is not an option of this schema; expected one of groupSize, mode, stop, inner/);
  });
});

describe('PluginOptions', () => {
  it('makes defaulted properties present, in nested objects and arrays too', () => {
    const nested = Type.Object({
      parts: Type.Array(Type.Object({ weight: Default(Type.Number(), 1), label: Type.Optional(Type.String()), name: Type.String() })),
      model: Default(Type.Object({ size: Default(Type.Integer(), 2) }), {}),
    });
    type O = PluginOptions<typeof nested>;
    const o: O = { parts: [{ weight: 2, name: 'a' }], model: { size: 3 } };
    const weight: number = o.parts[0]!.weight;
    const label: string | undefined = o.parts[0]!.label;
    const size: number = o.model.size;
    // @ts-expect-error name is required, weight present once resolved
    const missing: O['parts'][number] = { weight: 1 };
    expect([weight, label, size, missing]).toEqual([2, undefined, 3, { weight: 1 }]);
  });
});
