import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginRegistry, type Logger, type PluginInstances, type PluginKind, type PluginRef } from '@srl/core';
import { plugins } from '../../src/plugins';

/** The repository root (packages/tasks/test/helpers → ../../../..). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** The shared data folder beside the repository. */
export const sharedData = path.resolve(repoRoot, '../shared/data');

const silent: Logger = { log() {}, metrics() {}, progress() {} };

/** A registry holding this package's plugins, as the CLI would build it. */
export function taskRegistry(): PluginRegistry {
  const registry = new PluginRegistry();
  for (const plugin of plugins) registry.register(plugin, '@srl/tasks');
  return registry;
}

/** Validates options and creates a plugin of this package (relative paths resolve against baseDir). */
export function createPlugin<K extends PluginKind>(kind: K, ref: PluginRef, baseDir = repoRoot): Promise<PluginInstances[K]> {
  return taskRegistry().create(kind, ref, { logger: silent, baseDir });
}
