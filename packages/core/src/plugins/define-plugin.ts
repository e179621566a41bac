import type { ServiceIdentifier } from 'inversify';
import type { Environment } from '../contracts/environment';
import type { Logger } from '../contracts/logger';
import type { Policy, PromptEncoder } from '../contracts/policy';
import type { RewardModel } from '../contracts/reward-model';
import type { StepDecomposer, Task } from '../contracts/task';
import type { Trainer } from '../contracts/trainer';
import { SrlError } from '../errors';
import { schemaDefaults, type PluginOptions, type TObject } from './options-schema';
import type { PluginRef } from './plugin-ref';
import type { InjectedServices, NoInjections, PluginInjections } from './plugin-injection';

/** What each kind of plugin creates. */
export interface PluginInstances {
  policy: Policy;
  reward: RewardModel;
  task: Task;
  trainer: Trainer;
  environment: Environment;
  decomposer: StepDecomposer;
}
export type PluginKind = keyof PluginInstances;
export const PLUGIN_KINDS: readonly PluginKind[] = ['policy', 'reward', 'task', 'trainer', 'environment', 'decomposer'];

/** What a plugin's factory receives besides its options. */
export interface PluginDeps {
  /**
   * Creates another plugin by name (a task scoring with `math-answer`, a gated reward's inner rewards).
   * `path` locates the reference inside this plugin's options for error messages, e.g. `rewards[0].reward`.
   */
  create<K extends PluginKind>(kind: K, ref: PluginRef, path?: string): Promise<PluginInstances[K]>;
  logger: Logger;
  /** Folder that relative paths in options are resolved against (the recipe's folder). */
  baseDir: string;
}

/** Text to token ids, the way the policy tokenizes it (`TrainablePolicy.tokenize`). */
export interface TokenEncoder {
  encode(text: string): number[];
}
/**
 * DI token of the stage's tokenizer (the trainable policy's `tokenize`), bound in each training stage's container;
 * absent elsewhere (`srl reward` has no policy). Rewards that compare token sequences declare it in `inject`.
 */
export const TokenEncoder: ServiceIdentifier<TokenEncoder> = Symbol.for('@srl/core/TokenEncoder');

/** A JSON Schema for a plugin's options object (validated by ajv in strict mode). */
export type OptionsSchema = Record<string, unknown> & { type: 'object' };

export interface PluginDefinition<K extends PluginKind = PluginKind, O extends object = Record<string, unknown>, I extends PluginInjections = NoInjections> {
  readonly kind: K;
  /** Kebab-case, namespaced where helpful: `step-similarity`, `math/gsm8k`. Shown in every error. */
  readonly name: string;
  readonly description?: string;
  readonly optionsSchema: OptionsSchema;
  readonly defaults: Partial<O>;
  /**
   * Services the plugin needs, by the name it receives them under in `create`'s deps, resolved from the container
   * it is created in: `inject: { tokenizer: optionalService(TokenEncoder) }` gives `deps.tokenizer`.
   */
  readonly inject?: I;
  create(options: O, deps: PluginDeps & InjectedServices<I>): PluginInstances[K] | Promise<PluginInstances[K]>;
  /**
   * Other plugins named inside the options (a composed reward's parts, a task's decomposer), so that
   * validation checks them too, before anything is created. `path` is relative to the options.
   */
  references?(options: O): PluginReference[];
  /**
   * Semantic rules that a schema cannot state (heads divide the hidden size, a data file exists),
   * run by `srl validate` and before training, on options already validated and defaulted. Returns
   * the problems found, each a sentence; [] when fine. Must not create the plugin or load data.
   */
  check?(options: O, context: PluginCheckContext): string[] | Promise<string[]>;
  /**
   * Policy plugins: the policy's prompt format, tokenizer and context length without its weights, so that
   * `srl validate` can measure a stage's prompts in a moment. Without it, validate skips that check.
   */
  promptEncoder?(options: O, deps: Omit<PluginDeps, 'create'>): PromptEncoder | Promise<PromptEncoder>;
}

/** What a plugin's `check` receives besides its options. */
export interface PluginCheckContext {
  /** Folder that relative paths in options are resolved against (the recipe's folder). */
  baseDir: string;
  /** Where the plugin sits in the recipe, e.g. `stages[1].trainer`. */
  path: string;
}

export interface PluginReference {
  kind: PluginKind;
  ref: PluginRef;
  /** Where the reference sits inside the options, e.g. `rewards[0].reward`. */
  path: string;
}

/** Any plugin, whatever its options and injected services (method parameters are bivariant, so each definition fits). */
export type AnyPluginDefinition = PluginDefinition<PluginKind, object, NoInjections>;

/**
 * A plugin declared with its options once: `options` is a TypeBox object schema (`Type.Object({...})`,
 * defaults as `Default(...)`), from which the definition's `optionsSchema`, `defaults` and the type of
 * `create`'s options are derived.
 */
export type PluginDeclaration<K extends PluginKind, S extends TObject, I extends PluginInjections = NoInjections> = Omit<
  PluginDefinition<K, PluginOptions<S>, I>,
  'optionsSchema' | 'defaults'
> & { readonly options: S };

const PLUGIN_MARKER = Symbol.for('@srl/core/PluginDefinition');

/**
 * Declares a plugin, from a `PluginDeclaration` (options declared once, the usual form) or a plain
 * `PluginDefinition` (a JSON Schema and defaults written by hand). Bind the result in your package's
 * `ContainerModule` under the `Plugin` token.
 */
export function definePlugin<K extends PluginKind, S extends TObject, I extends PluginInjections = NoInjections>(
  declaration: PluginDeclaration<K, S, I>,
): PluginDefinition<K, PluginOptions<S>, I>;
export function definePlugin<K extends PluginKind, O extends object, I extends PluginInjections = NoInjections>(
  definition: PluginDefinition<K, O, I>,
): PluginDefinition<K, O, I>;
export function definePlugin(input: PluginDeclaration<PluginKind, TObject, NoInjections> | AnyPluginDefinition): AnyPluginDefinition {
  const definition = 'options' in input ? declared(input) : input;
  if (!/^[a-z0-9]+([-/][a-z0-9]+)*$/.test(definition.name)) {
    throw new SrlError(
      'plugin',
      `plugin name "${definition.name}" is not kebab-case; expected lower-case letters and digits joined by "-", optionally namespaced with "/" (e.g. "step-similarity", "math/gsm8k"): rename the plugin`,
    );
  }
  return Object.freeze({ ...definition, [PLUGIN_MARKER]: true });
}

function declared({ options, ...rest }: PluginDeclaration<PluginKind, TObject>): AnyPluginDefinition {
  return { ...rest, optionsSchema: options, defaults: schemaDefaults(options) } as AnyPluginDefinition;
}

export function isPluginDefinition(value: unknown): value is AnyPluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_MARKER] === true;
}

/** DI token under which packages bind their plugin definitions (multi-binding). */
export const Plugin: ServiceIdentifier<AnyPluginDefinition> = Symbol.for('@srl/core/Plugin');
