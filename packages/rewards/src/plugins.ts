import type { AnyPluginDefinition } from '@srl/core';
import { gatedPlugin, weightedSumPlugin } from './composition/index';

/** Every plugin this package provides; bound by the package's ContainerModule. */
export const plugins: AnyPluginDefinition[] = [weightedSumPlugin, gatedPlugin];
