import type { AnyPluginDefinition } from '@srl/core';
import { gatedPlugin, weightedSumPlugin } from './composition/index';
import { mathAnswerPlugin } from './math-answer-reward';

/** Every plugin this package provides; bound by the package's ContainerModule. */
export const plugins: AnyPluginDefinition[] = [mathAnswerPlugin, weightedSumPlugin, gatedPlugin];
