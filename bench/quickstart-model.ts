// The quickstart's model (examples/quickstart/recipe.yaml: llama, hidden 64, 2 layers, 4 heads, 2 KV heads, byte
// tokens), for the benches that time passes shaped like its steps.
import { transformerPreset } from '../packages/policies/src/model/presets.ts';
import type { TransformerConfig } from '../packages/policies/src/model/transformer-config.ts';

export function quickstartModelConfig(maxPositions = 768): TransformerConfig {
  return {
    ...transformerPreset('llama-tiny'),
    vocabSize: 261,
    hiddenSize: 64,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 176,
    maxPositions,
  };
}
