import type { AnyPluginDefinition } from '@srl/core';

/** Every plugin this package provides; bound by the package's ContainerModule. */
export const plugins: AnyPluginDefinition[] = [];
