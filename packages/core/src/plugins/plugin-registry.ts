import { Container, type ContainerModule, type ServiceIdentifier } from 'inversify';
import type { PromptEncoder } from '../contracts/policy';
import { isSrlError, SrlError } from '../errors';
import { Plugin, PLUGIN_KINDS, isPluginDefinition, type AnyPluginDefinition, type PluginDeps, type PluginInstances, type PluginKind } from './define-plugin';
import { describeToken, isOptionalService, RESERVED_INJECTION_NAMES, type PluginInjections } from './plugin-injection';
import { PLUGIN_TOKENS } from './plugin-tokens';
import { OptionsValidator } from './options-validator';
import { pluginRefName, pluginRefOptions, type PluginRef } from './plugin-ref';
import { closest } from './suggest';

/** What the registry's `create` needs besides the reference: the plugin deps, and the container to create it in. */
export type CreateDeps = Omit<PluginDeps, 'create'> & {
  /**
   * The container the plugin is created in (a stage's, during training): its declared services are resolved from
   * it, and the instance is bound under its kind's token in a child of it. Default: the registry's container.
   */
  container?: Container;
};

export interface RegisteredPlugin {
  definition: AnyPluginDefinition;
  /** The npm package (or module path) that provided it. */
  packageName: string;
}

/**
 * Plugins indexed by kind and name (verl-style name registry). Refuses duplicates, naming both
 * packages, and answers unknown names with what is registered and the closest match.
 */
export class PluginRegistry {
  private readonly byKind = new Map<PluginKind, Map<string, RegisteredPlugin>>(PLUGIN_KINDS.map((k) => [k, new Map()]));
  /** The one ajv instance that validates every plugin's options (bound in the application container). */
  readonly validator = new OptionsValidator();
  private readonly loadedPackages = new Set<string>();
  /** Installed plugin-like packages that were not loaded (no `srl-plugin` keyword), for unknown-name hints. */
  private readonly unloaded = new Set<string>();

  /**
   * `container` is the application container: packages' ContainerModules load into it, and plugins created
   * without a container of their own resolve their services from it.
   */
  constructor(readonly container: Container = new Container()) {}

  /** Remembers installed packages that look like plugins but were not loaded, so unknown names can point at them. */
  noteUnloaded(packageNames: readonly string[]): void {
    for (const name of packageNames) this.unloaded.add(name);
  }

  register(definition: AnyPluginDefinition, packageName: string): void {
    if (!isPluginDefinition(definition)) {
      throw new SrlError('plugin', `package "${packageName}" bound a value that is not a plugin: use definePlugin({ kind, name, options, create })`);
    }
    const table = this.byKind.get(definition.kind);
    if (!table) {
      throw new SrlError(
        'plugin',
        `plugin "${definition.name}" from "${packageName}" has unknown kind "${String(definition.kind)}"; expected one of ${PLUGIN_KINDS.join(', ')}`,
      );
    }
    const existing = table.get(definition.name);
    if (existing) {
      throw new SrlError(
        'plugin',
        `duplicate ${definition.kind} plugin "${definition.name}": registered by "${existing.packageName}" and again by "${packageName}"; rename one of them`,
      );
    }
    for (const [name, token] of Object.entries((definition.inject ?? {}) as PluginInjections)) {
      if (
        RESERVED_INJECTION_NAMES.includes(name) ||
        (typeof token !== 'symbol' && typeof token !== 'string' && typeof token !== 'function' && !isOptionalService(token))
      ) {
        throw new SrlError(
          'plugin',
          `plugin "${definition.name}" from "${packageName}" declares inject.${name}, which is ${RESERVED_INJECTION_NAMES.includes(name) ? 'a name its deps already use' : 'not a DI token'}; expected a name other than ${RESERVED_INJECTION_NAMES.join(', ')} mapped to a token (e.g. TokenEncoder) or optionalService(token)`,
        );
      }
    }
    try {
      this.validator.compile(strictOptionsSchema(definition));
    } catch (cause) {
      throw new SrlError('plugin', `plugin "${definition.name}" from "${packageName}" has an invalid optionsSchema: ${(cause as Error).message}`, { cause });
    }
    table.set(definition.name, { definition, packageName });
  }

  /**
   * Loads a package's default-exported ContainerModule into the application container and registers every plugin
   * it binds (its other bindings, services for its plugins, stay in the container).
   */
  async loadModule(module: ContainerModule, packageName: string): Promise<RegisteredPlugin[]> {
    if (this.loadedPackages.has(packageName)) return [];
    const bound = (): AnyPluginDefinition[] => (this.container.isBound(Plugin) ? this.container.getAll(Plugin as ServiceIdentifier<AnyPluginDefinition>) : []);
    const before = new Set(bound());
    await this.container.loadAsync(module);
    const definitions = bound().filter((d) => !before.has(d));
    const added = definitions.map((definition) => {
      this.register(definition, packageName);
      return this.byKind.get(definition.kind)!.get(definition.name)!;
    });
    this.loadedPackages.add(packageName);
    return added;
  }

  has(kind: PluginKind, name: string): boolean {
    return this.byKind.get(kind)!.has(name);
  }

  get(kind: PluginKind, name: string, path: string = kind): RegisteredPlugin {
    const found = this.byKind.get(kind)!.get(name);
    if (found) return found;
    throw new SrlError('plugin', this.unknownMessage(kind, name, path));
  }

  unknownMessage(kind: PluginKind, name: string, path: string): string {
    const names = [...this.byKind.get(kind)!.keys()].sort();
    const hint = closest(name, names);
    const otherKind = PLUGIN_KINDS.find((k) => k !== kind && this.byKind.get(k)!.has(name));
    const bare = name.split('/').pop() ?? name;
    const installed = [...this.unloaded].find((p) => p.endsWith(`srl-plugin-${bare}`));
    return (
      `${path}: unknown ${kind} plugin "${name}"` +
      (hint ? `; did you mean "${hint}"?` : '') +
      (otherKind ? ` ("${name}" is a ${otherKind} plugin)` : '') +
      (installed
        ? ` Package "${installed}" is installed but was not loaded (its package.json lacks the "srl-plugin" keyword): add it to the recipe's "plugins".`
        : '') +
      ` Registered ${kind} plugins: ${names.length ? names.join(', ') : '(none; add the package that provides it to the recipe\'s "plugins")'}`
    );
  }

  list(kind?: PluginKind): RegisteredPlugin[] {
    const kinds = kind ? [kind] : PLUGIN_KINDS;
    return kinds.flatMap((k) => [...this.byKind.get(k)!.values()]).sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  }

  /** Checks a `[name, options]` reference: the name exists and the options validate. Returns options with defaults. */
  resolve(
    kind: PluginKind,
    ref: PluginRef,
    path: string,
    /** Also check the plugins its options name (recipe validation); creation checks them when they are created. */
    deep = false,
  ): { plugin?: RegisteredPlugin; options: Record<string, unknown>; errors: string[] } {
    const name = pluginRefName(ref);
    const plugin = this.byKind.get(kind)!.get(name);
    if (!plugin) return { options: {}, errors: [this.unknownMessage(kind, name, path)] };
    const merged = { ...structuredClone(plugin.definition.defaults), ...pluginRefOptions(ref) };
    const { value, errors } = this.validator.validate<Record<string, unknown>>(strictOptionsSchema(plugin.definition), merged, `${path}.options`);
    if (deep && errors.length === 0 && plugin.definition.references) {
      // Nested plugin references are checked like top-level ones (names and options), all errors at once.
      for (const nested of plugin.definition.references(value))
        errors.push(...this.resolve(nested.kind, nested.ref, `${path}.options.${nested.path}`, true).errors);
    }
    return { plugin, options: value, errors };
  }

  /**
   * Runs a valid reference's `check` hook and those of the plugins its options name. Returns the
   * problems, each prefixed with where it sits (`stages[0].trainer.options: ...`).
   */
  async check(kind: PluginKind, ref: PluginRef, path: string, baseDir: string): Promise<string[]> {
    const { plugin, options, errors } = this.resolve(kind, ref, path);
    if (!plugin || errors.length) return [];
    const problems: string[] = [];
    if (plugin.definition.check) {
      try {
        problems.push(...(await plugin.definition.check(options, { baseDir, path })).map((p) => `${path}.options: ${p}`));
      } catch (error) {
        problems.push(`${path}.options: the check of "${plugin.definition.name}" failed: ${(error as Error).message}`);
      }
    }
    for (const nested of plugin.definition.references?.(options) ?? [])
      problems.push(...(await this.check(nested.kind, nested.ref, `${path}.options.${nested.path}`, baseDir)));
    return problems;
  }

  /** A policy reference's weightless prompt encoder (its plugin's `promptEncoder` hook); null when the plugin has none. */
  async promptEncoder(ref: PluginRef, deps: Omit<PluginDeps, 'create'>, path = 'policy'): Promise<PromptEncoder | null> {
    const { plugin, options, errors } = this.resolve('policy', ref, path);
    if (!plugin || errors.length)
      throw new SrlError('validation', `invalid policy "${pluginRefName(ref)}" at ${path}:\n  ${errors.join('\n  ')}`, { details: errors });
    if (!plugin.definition.promptEncoder) return null;
    try {
      return await plugin.definition.promptEncoder(options, deps);
    } catch (cause) {
      throw tagPluginError(cause, plugin, path);
    }
  }

  /**
   * Validates and creates a plugin instance; throws an SrlError listing every problem. Its declared services
   * (`inject`) are resolved from `deps.container`; the instance is bound under its kind's token (`Task`,
   * `RewardModel`, ...) in a child scope of that container and resolved from it, and the plugins it creates in
   * turn (a gated reward's parts, a task's decomposer) are created in that scope, so they see the same services.
   */
  async create<K extends PluginKind>(kind: K, ref: PluginRef, deps: CreateDeps, path: string = kind): Promise<PluginInstances[K]> {
    const { plugin, options, errors } = this.resolve(kind, ref, path);
    if (!plugin || errors.length) {
      throw new SrlError('validation', `invalid ${kind} "${pluginRefName(ref)}" at ${path}:\n  ${errors.join('\n  ')}`, { details: errors });
    }
    const { container = this.container, ...plain } = deps;
    const scope = new Container({ parent: container });
    const inject = Object.entries((plugin.definition.inject ?? {}) as PluginInjections);
    const missing = inject
      .filter(([, t]) => !isOptionalService(t) && !container.isBound(t as ServiceIdentifier<unknown>))
      .map(([name, t]) => `${name} (${describeToken(t as ServiceIdentifier<unknown>)})`);
    if (missing.length) {
      throw new SrlError(
        'plugin',
        `${path}: ${kind} plugin "${plugin.definition.name}" (${plugin.packageName}) needs ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not available here; ${kind === 'reward' ? "only a training stage gives rewards the policy's tokenizer" : 'create it where that service is bound'}`,
      );
    }
    const fullDeps: PluginDeps = {
      ...plain,
      create: (k, r, p) => this.create(k, r, { ...plain, container: scope }, p ? `${path}.options.${p}` : `${path}.${k}`),
    };
    // The declared services come from the creating container (never the plugin's own scope, which binds the plugin).
    const services = await Promise.all(
      inject.map(([, t]) => (isOptionalService(t) ? container.getAsync(t.token, { optional: true }) : container.getAsync(t as ServiceIdentifier<unknown>))),
    );
    const token = PLUGIN_TOKENS[kind] as ServiceIdentifier<PluginInstances[K]>;
    scope
      .bind(token)
      .toResolvedValue(async () => {
        try {
          return (await plugin.definition.create(options, {
            ...fullDeps,
            ...Object.fromEntries(inject.map(([name], i) => [name, services[i]])),
          })) as PluginInstances[K];
        } catch (cause) {
          throw tagPluginError(cause, plugin, path);
        }
      })
      .inSingletonScope();
    return scope.getAsync(token);
  }
}

const TAGGED = Symbol.for('@srl/core/PluginErrorTagged');

/**
 * Tags an error thrown inside a plugin with the plugin's name, package and recipe path (as Rollup
 * tags hook errors), once: the innermost plugin is named, outer ones pass it through.
 */
export function tagPluginError(cause: unknown, plugin: RegisteredPlugin, path: string): SrlError {
  if (isSrlError(cause) && (cause as SrlError & { [TAGGED]?: true })[TAGGED]) return cause;
  const { name, kind } = plugin.definition;
  const message = cause instanceof Error ? cause.message : String(cause);
  const error = new SrlError(isSrlError(cause) ? cause.kind : 'plugin', `${path}: ${kind} plugin "${name}" (${plugin.packageName}) failed: ${message}`, {
    cause,
    ...(isSrlError(cause) ? { details: cause.details } : {}),
  });
  Object.defineProperty(error, TAGGED, { value: true });
  return error;
}

const strictSchemas = new WeakMap<AnyPluginDefinition, Record<string, unknown>>();

/** Options objects refuse unknown keys unless the plugin explicitly allows them. */
function strictOptionsSchema(definition: AnyPluginDefinition): Record<string, unknown> {
  let schema = strictSchemas.get(definition);
  if (!schema) {
    schema = { ...definition.optionsSchema };
    if (!('additionalProperties' in schema) && !('unevaluatedProperties' in schema)) schema.additionalProperties = false;
    strictSchemas.set(definition, schema);
  }
  return schema;
}
