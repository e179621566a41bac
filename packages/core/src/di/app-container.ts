import { Container, type ServiceIdentifier } from 'inversify';
import { Clock, systemClock } from '../contracts/clock';
import { Logger } from '../contracts/logger';
import { noStopSignals, StopSignals } from '../contracts/stop-signals';
import { OptionsValidator } from '../plugins/options-validator';
import { PluginRegistry } from '../plugins/plugin-registry';

export interface AppServices {
  /** The plugin registry; its container becomes the application container. Default: a new, empty one. */
  registry?: PluginRegistry;
  /** The invocation's logger (unbound when absent: a command that logs passes one). */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: signals that never fire. */
  signals?: StopSignals;
}

/**
 * The application container of one `srl` invocation: the plugin registry (whose packages' ContainerModules load
 * into it), the options validator, the logger, the clock and the stop signals; `runRecipe` adds the run folder,
 * and each stage resolves its trainer from a child of it. Any service is swapped by rebinding (see
 * {@link bindService}).
 */
export function createAppContainer(o: AppServices): Container {
  const registry = o.registry ?? new PluginRegistry(new Container());
  const container = registry.container;
  bindService(container, PluginRegistry, registry);
  bindService(container, OptionsValidator, registry.validator);
  if (o.logger) bindService(container, Logger, o.logger);
  bindService(container, Clock, o.clock ?? systemClock);
  bindService(container, StopSignals, o.signals ?? noStopSignals());
  return container;
}

/** Binds `value` under `token` in `container` itself, replacing a binding of its own (not its parent's). */
export function bindService<T>(container: Container, token: ServiceIdentifier<T>, value: T): void {
  (container.isCurrentBound(token) ? container.rebind(token) : container.bind(token)).toConstantValue(value);
}
