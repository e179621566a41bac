import type { AnyPluginDefinition } from './plugins/define-plugin';
import { trainerPlugins } from './training/trainer-plugins';

/** Plugins that ship with @srl/core: the trainers. */
export const plugins: AnyPluginDefinition[] = [...trainerPlugins];
