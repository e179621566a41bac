import type { AnyPluginDefinition } from '@srl/core';
import { openAiCompatiblePlugin } from './remote/openai-compatible-plugin';
import { tfjsTransformerPlugin } from './tfjs-transformer-plugin';

/** Every plugin this package provides; bound by the package's ContainerModule. */
export const plugins: AnyPluginDefinition[] = [tfjsTransformerPlugin, openAiCompatiblePlugin];
