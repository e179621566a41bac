import type { AnyPluginDefinition } from '@srl/core';
import { gatedPlugin, weightedSumPlugin } from './composition/index';
import { mathAnswerPlugin } from './math-answer-reward';
import { rougeLPlugin } from './rouge-l-reward';
import { solutionSimilarityPlugin } from './solution-similarity-reward';
import { stepSimilarityPlugin } from './step-similarity-reward';
import { actionSimilarityPlugin } from './swe/action-similarity-reward';
import { tokenEditSimilarityPlugin } from './token-edit-similarity-reward';

/** Every plugin this package provides; bound by the package's ContainerModule. */
export const plugins: AnyPluginDefinition[] = [
  stepSimilarityPlugin,
  tokenEditSimilarityPlugin,
  rougeLPlugin,
  solutionSimilarityPlugin,
  mathAnswerPlugin,
  weightedSumPlugin,
  gatedPlugin,
  actionSimilarityPlugin,
];
