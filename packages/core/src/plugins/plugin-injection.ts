import type { ServiceIdentifier } from 'inversify';

const OPTIONAL = Symbol.for('@srl/core/OptionalService');

/** A service a plugin can do without: it receives `undefined` where none is bound (see {@link optionalService}). */
export interface OptionalService<T> {
  readonly [OPTIONAL]: true;
  readonly token: ServiceIdentifier<T>;
}

/**
 * The services a plugin declares in `inject`: a name in its `create` deps, and the DI token resolved for it from
 * the container the plugin is created in (a stage's container during training, the application container
 * elsewhere), e.g. `{ tokenizer: optionalService(TokenEncoder) }`.
 */
export type PluginInjections = Record<string, ServiceIdentifier<unknown> | OptionalService<unknown>>;

/** A plugin that declares no services. */
export type NoInjections = Record<never, never>;

/** What `create` receives for each declared service: its instance, or `T | undefined` when optional. */
export type InjectedServices<I extends PluginInjections> = {
  [N in keyof I]: I[N] extends OptionalService<infer T> ? T | undefined : I[N] extends ServiceIdentifier<infer T> ? T : never;
};

/** Marks a declared service as optional: the plugin gets `undefined` where the container has none. */
export function optionalService<T>(token: ServiceIdentifier<T>): OptionalService<T> {
  return Object.freeze({ [OPTIONAL]: true as const, token });
}

export function isOptionalService(value: unknown): value is OptionalService<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OPTIONAL] === true;
}

/** Names the plugin deps already use: a declared service may not shadow them. */
export const RESERVED_INJECTION_NAMES: readonly string[] = ['create', 'logger', 'baseDir'];

/** A token as it reads in an error message: `Symbol(@srl/core/TokenEncoder)` -> `TokenEncoder`. */
export function describeToken(token: ServiceIdentifier<unknown>): string {
  if (typeof token === 'symbol') return (token.description ?? String(token)).split('/').pop()!;
  if (typeof token === 'function') return token.name || '(anonymous class)';
  return String(token);
}
