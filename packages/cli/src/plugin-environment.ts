import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverPluginPackages, loadPluginPackage, PluginRegistry } from '@srl/core';
import type { ContainerModule } from 'inversify';

/** The @srl packages every registry starts with. */
const BUILTIN = ['@srl/core', '@srl/rewards', '@srl/tasks', '@srl/policies'] as const;
const cliDir = path.dirname(fileURLToPath(import.meta.url));

export interface PluginEnvironmentOptions {
  /** Also load installed packages that carry the `srl-plugin` keyword (from the working directory up). */
  discover?: boolean;
  cwd?: string;
}

/** A registry with the built-in plugins (and, optionally, the discovered third-party ones). */
export async function createPluginEnvironment(options: PluginEnvironmentOptions = {}): Promise<{
  registry: PluginRegistry;
  loadPlugins: (specs: string[], fromDir: string) => Promise<void>;
}> {
  const registry = new PluginRegistry();
  const cwd = options.cwd ?? process.cwd();
  const loadPlugins = async (specs: string[], fromDir: string): Promise<void> => {
    for (const spec of specs) await loadPluginPackage(registry, spec, [fromDir, cwd, cliDir]);
  };
  for (const spec of BUILTIN) {
    const mod = (await import(spec)) as { default?: ContainerModule };
    if (mod.default) await registry.loadModule(mod.default, spec);
  }
  if (options.discover ?? true) await loadPlugins(discoverPluginPackages(cwd), cwd);
  return { registry, loadPlugins };
}
