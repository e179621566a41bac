import type { AnyPluginDefinition } from '@srl/core';
import { decomposerPlugins } from './math/decompose/decomposer-plugins';
import { mathTaskPlugins } from './math/task-plugins';
import { sweTaskPlugins } from './swe/swe-task-plugins';
import { sweEnvPlugins } from './swe/swe-env-plugins';

/** Every plugin this package provides; bound by the package's ContainerModule. */
export const plugins: AnyPluginDefinition[] = [...decomposerPlugins, ...mathTaskPlugins, ...sweTaskPlugins, ...sweEnvPlugins];
