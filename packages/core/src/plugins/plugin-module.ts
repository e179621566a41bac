import { ContainerModule } from 'inversify';
import { Plugin, type AnyPluginDefinition } from './define-plugin';

/** The ContainerModule a plugin package default-exports: binds each definition to the `Plugin` token. */
export function pluginModule(plugins: readonly AnyPluginDefinition[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const plugin of plugins) bind(Plugin).toConstantValue(plugin);
  });
}
