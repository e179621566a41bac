import type { AnyPluginDefinition } from './plugins/define-plugin';

/** Plugins that ship with @srl/core (the trainers). */
export const plugins: AnyPluginDefinition[] = [];
