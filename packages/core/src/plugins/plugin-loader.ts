import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContainerModule } from 'inversify';
import { SrlError } from '../errors';
import type { PluginRegistry } from './plugin-registry';

/** The keyword that marks an npm package as an srl plugin package. */
export const PLUGIN_KEYWORD = 'srl-plugin';

/**
 * Resolves a plugin package spec (`@srl/rewards`, `srl-plugin-foo`, or a relative path `./my-plugin.ts`)
 * to a file, searching from each folder in `searchDirs` in order (the recipe's folder first).
 */
export function resolvePluginSpec(spec: string, searchDirs: readonly string[]): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const file = path.resolve(searchDirs[0] ?? process.cwd(), spec);
    if (!existsSync(file)) throw new SrlError('plugin', `plugin module "${spec}" not found: ${file} does not exist`);
    return file;
  }
  const tried: string[] = [];
  for (const dir of searchDirs) {
    try {
      return createRequire(path.join(dir, '__srl_resolve__.js')).resolve(spec);
    } catch {
      tried.push(dir);
    }
  }
  throw new SrlError(
    'plugin',
    `plugin package "${spec}" is not installed (looked from ${tried.join(', ')}); install it (pnpm add ${spec}) or fix the name in "plugins"`,
  );
}

function isContainerModule(value: unknown): value is ContainerModule {
  return typeof value === 'object' && value !== null && typeof (value as { load?: unknown }).load === 'function' && 'id' in value;
}

/** Imports a plugin package and registers its plugins. Returns the package name used in messages. */
export async function loadPluginPackage(registry: PluginRegistry, spec: string, searchDirs: readonly string[]): Promise<string> {
  const file = resolvePluginSpec(spec, searchDirs);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (cause) {
    throw new SrlError('plugin', `plugin package "${spec}" failed to load from ${file}: ${(cause as Error).message}`, { cause });
  }
  if (!isContainerModule(mod.default)) {
    throw new SrlError('plugin', `plugin package "${spec}" must default-export an inversify ContainerModule that binds its plugins to the Plugin token; found ${typeof mod.default}`);
  }
  await registry.loadModule(mod.default, spec);
  return spec;
}

/** Names of installed packages with the `srl-plugin` keyword, found in node_modules from `dir` upwards. */
export function discoverPluginPackages(dir: string): string[] {
  const found = new Set<string>();
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const nodeModules = path.join(current, 'node_modules');
    if (existsSync(nodeModules)) {
      for (const entry of readdirSync(nodeModules)) {
        if (entry.startsWith('.')) continue;
        const names = entry.startsWith('@') ? readdirSync(path.join(nodeModules, entry)).map((n) => `${entry}/${n}`) : [entry];
        for (const name of names) {
          if (!/(^|\/)srl-plugin-/.test(name)) continue;
          try {
            const pkg = JSON.parse(readFileSync(path.join(nodeModules, name, 'package.json'), 'utf8')) as { keywords?: string[] };
            if (pkg.keywords?.includes(PLUGIN_KEYWORD)) found.add(name);
          } catch {
            // not a package folder
          }
        }
      }
    }
    if (path.dirname(current) === current) break;
  }
  return [...found].sort();
}
