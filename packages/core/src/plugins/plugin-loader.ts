import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContainerModule } from 'inversify';
import { exports as resolveExports } from 'resolve.exports';
import { SrlError } from '../errors';
import type { PluginRegistry } from './plugin-registry';

/** The keyword that marks an npm package as an srl plugin package. */
export const PLUGIN_KEYWORD = 'srl-plugin';

interface PackageJson {
  name?: string;
  keywords?: string[];
  main?: string;
  exports?: unknown;
}

/** An installed package found in a node_modules folder. */
export interface InstalledPackage {
  name: string;
  /** The package folder, symlinks resolved. */
  dir: string;
  /** Whether it carries the `srl-plugin` keyword. */
  isPlugin: boolean;
}

/** Folders from `dir` up to the filesystem root. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    out.push(current);
    if (path.dirname(current) === current) return out;
  }
}

/** The resolution conditions the process was started with (`--conditions=source` under tsx), plus Node's. */
function userConditions(): string[] {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^(?:--conditions|-C)(?:=(.+))?$/.exec(args[i] ?? '');
    if (m) out.push(m[1] ?? args[++i] ?? '');
  }
  return out.filter(Boolean);
}

function readPackageJson(dir: string): PackageJson | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

/**
 * The file an ESM `import` of a package's root would load: its `exports` map under the conditions
 * `node`, `import` and the process's own (`source` in development), or `main`, or `index.js`.
 */
export function packageEntry(dir: string): string {
  const pkg = readPackageJson(dir);
  if (!pkg) throw new SrlError('plugin', `${dir} has no readable package.json`);
  if (pkg.exports !== undefined) {
    let targets: ReturnType<typeof resolveExports>;
    try {
      targets = resolveExports(pkg, '.', { conditions: userConditions() });
    } catch (cause) {
      throw new SrlError('plugin', `package "${pkg.name ?? dir}" exports no entry srl can import (conditions node, import): ${(cause as Error).message}`, {
        cause,
      });
    }
    const first = targets?.find((t) => existsSync(path.join(dir, t)));
    if (first) return path.join(dir, first);
    throw new SrlError(
      'plugin',
      `package "${pkg.name ?? dir}": its exports map points at ${targets?.join(', ') ?? 'nothing'}, which does not exist in ${dir} (is it built?)`,
    );
  }
  const main = path.join(dir, pkg.main ?? 'index.js');
  if (!existsSync(main)) throw new SrlError('plugin', `package "${pkg.name ?? dir}": its entry ${main} does not exist (is it built?)`);
  return main;
}

/** Finds an installed package folder by name, in node_modules from each folder upwards. */
export function findInstalledPackage(name: string, searchDirs: readonly string[]): string | null {
  for (const dir of searchDirs) {
    for (const folder of ancestors(dir)) {
      const candidate = path.join(folder, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    }
  }
  return null;
}

/** Unique folders, in order, symlinks resolved: the same place is never listed twice. */
function uniqueDirs(dirs: readonly string[]): string[] {
  const seen = new Set<string>();
  return dirs.map((d) => (existsSync(d) ? realpathSync(d) : path.resolve(d))).filter((d) => !seen.has(d) && (seen.add(d), true));
}

/**
 * Resolves a plugin package spec (`@srl/rewards`, `srl-plugin-foo`, or a relative path `./my-plugin.js`)
 * to a file, searching from each folder in `searchDirs` in order (the recipe's folder first).
 */
export function resolvePluginSpec(spec: string, searchDirs: readonly string[]): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const file = path.resolve(searchDirs[0] ?? process.cwd(), spec);
    if (!existsSync(file)) throw new SrlError('plugin', `plugin module "${spec}" not found: ${file} does not exist`);
    return file;
  }
  const dir = findInstalledPackage(spec, searchDirs);
  if (dir) return packageEntry(dir);
  throw new SrlError(
    'plugin',
    `plugin package "${spec}" is not installed (looked in node_modules from ${uniqueDirs(searchDirs).join(', ')} upwards); install it with your package manager (e.g. npm install ${spec}) or fix the name in "plugins"`,
  );
}

function isContainerModule(value: unknown): value is ContainerModule {
  return typeof value === 'object' && value !== null && typeof (value as { load?: unknown }).load === 'function' && 'id' in value;
}

const TYPESCRIPT = /\.[mc]?ts$/i;

async function importModule(spec: string, file: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (TYPESCRIPT.test(file) && code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new SrlError(
        'plugin',
        `plugin module "${spec}" is TypeScript, which this Node (${process.version}) cannot import: compile it to JavaScript (tsc or tsup) and name the .js file in "plugins", run srl under a TypeScript loader (node --import tsx), or use Node >= 23.6`,
        { cause },
      );
    }
    throw new SrlError('plugin', `plugin package "${spec}" failed to load from ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Imports a plugin package and registers its plugins. Returns the package name used in messages.
 * A plugin package is code that runs: its top-level code executes when it is loaded.
 */
export async function loadPluginPackage(registry: PluginRegistry, spec: string, searchDirs: readonly string[]): Promise<string> {
  const file = resolvePluginSpec(spec, searchDirs);
  const mod = await importModule(spec, file);
  if (!isContainerModule(mod.default)) {
    throw new SrlError(
      'plugin',
      `plugin package "${spec}" must default-export an inversify ContainerModule that binds its plugins to the Plugin token; found ${typeof mod.default}`,
    );
  }
  await registry.loadModule(mod.default, spec);
  return spec;
}

/**
 * Installed packages named `srl-plugin-*` or `@scope/srl-plugin-*`, found in node_modules from each
 * folder upwards (package.json only: nothing is imported). `isPlugin` says whether it has the keyword.
 */
export function findPluginPackages(dirs: readonly string[]): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  for (const folder of uniqueDirs(dirs.flatMap(ancestors))) {
    const nodeModules = path.join(folder, 'node_modules');
    if (!existsSync(nodeModules)) continue;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? readdirSync(path.join(nodeModules, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        if (!/(^|\/)srl-plugin-/.test(name) || found.has(name)) continue;
        const pkg = readPackageJson(path.join(nodeModules, name));
        if (pkg) found.set(name, { name, dir: realpathSync(path.join(nodeModules, name)), isPlugin: pkg.keywords?.includes(PLUGIN_KEYWORD) ?? false });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Names of installed packages with the `srl-plugin` keyword, found in node_modules from `dir` upwards. */
export function discoverPluginPackages(dir: string): string[] {
  return findPluginPackages([dir])
    .filter((p) => p.isPlugin)
    .map((p) => p.name);
}
