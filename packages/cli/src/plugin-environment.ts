import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppContainer, findPluginPackages, loadPluginPackage, PluginRegistry, type Logger } from '@srl/core';
import type { Container, ContainerModule } from 'inversify';

/** The @srl packages every registry starts with. */
const BUILTIN = ['@srl/core', '@srl/rewards', '@srl/tasks', '@srl/policies'] as const;
const cliDir = path.dirname(fileURLToPath(import.meta.url));

export interface PluginEnvironmentOptions {
  /** Also load installed packages that carry the `srl-plugin` keyword (default true). */
  discover?: boolean;
  cwd?: string;
  /** The invocation's logger, bound in the application container. */
  logger?: Logger;
}

export interface PluginEnvironment {
  registry: PluginRegistry;
  /** The invocation's application container (registry, options validator, logger, clock, stop signals). */
  container: Container;
  /**
   * Loads the packages a recipe names in `plugins`, after the installed plugin packages found from
   * the recipe's folder upwards (every command finds plugins the same way).
   */
  loadPlugins: (specs: string[], fromDir: string) => Promise<void>;
}

/** A registry with the built-in plugins and the installed third-party ones (working directory upwards). */
export async function createPluginEnvironment(options: PluginEnvironmentOptions = {}): Promise<PluginEnvironment> {
  const registry = new PluginRegistry();
  // Packages' ContainerModules load into this container (the registry's).
  const container = createAppContainer({ registry, ...(options.logger ? { logger: options.logger } : {}) });
  const cwd = options.cwd ?? process.cwd();
  const discover = options.discover ?? true;
  const loaded = new Set<string>();
  const discoverFrom = async (dirs: string[]): Promise<void> => {
    if (!discover) return;
    const found = findPluginPackages(dirs);
    registry.noteUnloaded(found.filter((p) => !p.isPlugin).map((p) => p.name));
    for (const p of found.filter((f) => f.isPlugin && !loaded.has(f.name))) {
      loaded.add(p.name);
      await loadPluginPackage(registry, p.name, [p.dir, ...dirs]);
    }
  };
  for (const spec of BUILTIN) {
    const mod = (await import(spec)) as { default?: ContainerModule };
    if (mod.default) await registry.loadModule(mod.default, spec);
  }
  await discoverFrom([cwd]);
  const loadPlugins = async (specs: string[], fromDir: string): Promise<void> => {
    await discoverFrom([fromDir, cwd]);
    for (const spec of specs) {
      if (loaded.has(spec)) continue;
      loaded.add(spec);
      await loadPluginPackage(registry, spec, [fromDir, cwd, cliDir]);
    }
  };
  return { registry, container, loadPlugins };
}
