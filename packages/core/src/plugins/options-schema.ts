/**
 * A plugin's options, declared once: a TypeBox object schema is at the same time the JSON Schema that
 * ajv validates (strict, `useDefaults`), the TypeScript type that `create` receives (`PluginOptions`),
 * and the defaults (`default` keywords) that srl fills in, `srl plugins` prints and editors show.
 */
import {
  Type,
  type SchemaOptions,
  type Static,
  type TArray,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  type TString,
  type TUnsafe,
} from '@sinclair/typebox';
import { SrlError } from '../errors';
import { pluginRefSchema } from '../recipe/recipe-schema';
import type { PluginRef } from './plugin-ref';

export { Type, type SchemaOptions, type Static, type TArray, type TObject, type TOptional, type TProperties, type TSchema, type TString, type TUnsafe };

/** A property a recipe may leave out: ajv fills in the default, and `create` sees it present. */
export type TDefault<T extends TSchema> = TOptional<T> & { default: Static<T> };

/** Declares an optional property with its default: `groupSize: Default(Type.Integer({ minimum: 2 }), 8)`. */
export function Default<T extends TSchema>(schema: T, value: Static<T>): TDefault<T> {
  return Type.Optional({ ...schema, default: value }) as unknown as TDefault<T>;
}

/** One of a list of strings, as `{ type: 'string', enum }`: the form editors and `srl plugins` show as choices. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A property that names another plugin (`"name"` or `["name", { options }]`), e.g. a composed reward's parts. */
export function PluginRefType(options: SchemaOptions = {}): TUnsafe<PluginRef> {
  return Type.Unsafe<PluginRef>({ ...structuredClone(pluginRefSchema), ...options });
}

type Flatten<T> = { [K in keyof T]: T[K] } & {};
type HasDefault<T> = T extends { default: unknown } ? true : false;
type Present<P extends TProperties> = { [K in keyof P as HasDefault<P[K]> extends true ? K : P[K] extends TOptional<TSchema> ? never : K]: Resolved<P[K]> };
type Absent<P extends TProperties> = { [K in keyof P as HasDefault<P[K]> extends true ? never : P[K] extends TOptional<TSchema> ? K : never]?: Resolved<P[K]> };
/** `Static`, except that a defaulted property is present, in nested objects and arrays of objects too (ajv fills them in). */
type Resolved<T> =
  T extends TObject<infer P> ? Flatten<Present<P> & Absent<P>> : T extends TArray<infer I> ? Resolved<I>[] : T extends TSchema ? Static<T> : never;
type Defaulted<P extends TProperties> = { [K in keyof P as HasDefault<P[K]> extends true ? K : never]-?: Resolved<P[K]> };

/** What `create` receives for an options schema: the declared type, with every defaulted property present. */
export type PluginOptions<S extends TObject> = Flatten<Present<S['properties']> & Absent<S['properties']>>;

/** The defaulted properties of an options schema, each present. */
export type SchemaDefaults<S extends TObject> = Flatten<Defaulted<S['properties']>>;

/** The `default` of each top-level property (a fresh copy): what a recipe that names the plugin alone gets. */
export function schemaDefaults<S extends TObject>(schema: S): SchemaDefaults<S> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) if (property.default !== undefined) defaults[key] = structuredClone(property.default);
  return defaults as SchemaDefaults<S>;
}

/**
 * The same options with other defaults, for presets (`srl-tiny` is `srl` with a smaller batch). Every key
 * must be a declared property; its other keywords stay as declared.
 */
export function withDefaults<S extends TObject>(schema: S, defaults: Partial<PluginOptions<S>>): S {
  const properties: Record<string, TSchema> = { ...schema.properties };
  for (const [key, value] of Object.entries(defaults)) {
    if (value === undefined) continue;
    const property = properties[key];
    if (!property) {
      throw new SrlError('plugin', `withDefaults: "${key}" is not an option of this schema; expected one of ${Object.keys(properties).join(', ')}`);
    }
    properties[key] = { ...property, default: value };
  }
  return { ...schema, properties };
}
