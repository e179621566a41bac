import { Container, type ContainerModule, type ServiceIdentifier } from 'inversify';
import { isSrlError, SrlError } from '../errors';
import { Plugin, PLUGIN_KINDS, isPluginDefinition, type AnyPluginDefinition, type PluginDeps, type PluginInstances, type PluginKind } from './define-plugin';
import { OptionsValidator } from './options-validator';
import { pluginRefName, pluginRefOptions, type PluginRef } from './plugin-ref';
import { closest } from './suggest';

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
  private readonly validator = new OptionsValidator();
  private readonly loadedPackages = new Set<string>();
  /** Installed plugin-like packages that were not loaded (no `srl-plugin` keyword), for unknown-name hints. */
  private readonly unloaded = new Set<string>();

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
      throw new SrlError('plugin', `plugin "${definition.name}" from "${packageName}" has unknown kind "${String(definition.kind)}"; expected one of ${PLUGIN_KINDS.join(', ')}`);
    }
    const existing = table.get(definition.name);
    if (existing) {
      throw new SrlError(
        'plugin',
        `duplicate ${definition.kind} plugin "${definition.name}": registered by "${existing.packageName}" and again by "${packageName}"; rename one of them`,
      );
    }
    try {
      this.validator.compile(strictOptionsSchema(definition));
    } catch (cause) {
      throw new SrlError('plugin', `plugin "${definition.name}" from "${packageName}" has an invalid optionsSchema: ${(cause as Error).message}`, { cause });
    }
    table.set(definition.name, { definition, packageName });
  }

  /** Loads a package's default-exported ContainerModule and registers every plugin it binds. */
  async loadModule(module: ContainerModule, packageName: string): Promise<RegisteredPlugin[]> {
    if (this.loadedPackages.has(packageName)) return [];
    const container = new Container();
    await container.load(module);
    const definitions = container.isBound(Plugin) ? container.getAll(Plugin as ServiceIdentifier<AnyPluginDefinition>) : [];
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
      (installed ? ` Package "${installed}" is installed but was not loaded (its package.json lacks the "srl-plugin" keyword): add it to the recipe's "plugins".` : '') +
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
      for (const nested of plugin.definition.references(value)) errors.push(...this.resolve(nested.kind, nested.ref, `${path}.options.${nested.path}`, true).errors);
    }
    return { plugin, options: value, errors };
  }

  /** Validates and creates a plugin instance; throws an SrlError listing every problem. */
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
    for (const nested of plugin.definition.references?.(options) ?? []) problems.push(...(await this.check(nested.kind, nested.ref, `${path}.options.${nested.path}`, baseDir)));
    return problems;
  }

  async create<K extends PluginKind>(kind: K, ref: PluginRef, deps: Omit<PluginDeps, 'create'>, path: string = kind): Promise<PluginInstances[K]> {
    const { plugin, options, errors } = this.resolve(kind, ref, path);
    if (!plugin || errors.length) {
      throw new SrlError('validation', `invalid ${kind} "${pluginRefName(ref)}" at ${path}:\n  ${errors.join('\n  ')}`, { details: errors });
    }
    const fullDeps: PluginDeps = { ...deps, create: (k, r, p) => this.create(k, r, deps, p ? `${path}.options.${p}` : `${path}.${k}`) };
    try {
      return (await plugin.definition.create(options, fullDeps)) as PluginInstances[K];
    } catch (cause) {
      throw tagPluginError(cause, plugin, path);
    }
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
