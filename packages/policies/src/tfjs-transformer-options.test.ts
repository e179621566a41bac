import { definePlugin, PluginRegistry, type Policy } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { transformerConfigSchema } from './model/transformer-config';
import { tfjsTransformerOptions } from './tfjs-transformer-options';

describe('tfjs-transformer options', () => {
  it('type config overrides by the one TransformerConfig declaration, token ids excepted', () => {
    const config = tfjsTransformerOptions.properties.config;
    expect(Object.keys(config.properties)).toEqual(Object.keys(transformerConfigSchema.properties).filter((k) => !k.endsWith('TokenId')));
    expect(JSON.stringify(config.properties.numLayers)).toEqual(JSON.stringify(transformerConfigSchema.properties.numLayers));
  });

  it('refuse an unknown or mistyped config field, by path, and fill in the defaults', () => {
    const registry = new PluginRegistry();
    registry.register(definePlugin({ kind: 'policy', name: 'options-only', options: tfjsTransformerOptions, create: () => ({}) as Policy }), 'test');
    expect(registry.resolve('policy', ['options-only', { config: { numLayer: 2, norm: 'batchnorm' } }], 'policy').errors).toEqual([
      'policy.options.config.numLayer: unknown key (did you mean "numLayers"?); allowed keys: family, vocabSize, hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, maxPositions, norm, normEps, positions, ropeTheta, mlp, qkvBias, linearBias, tieEmbeddings',
      'policy.options.config.norm: must be one of "layernorm", "rmsnorm" (found "batchnorm")',
    ]);
    const { options, errors } = registry.resolve('policy', ['options-only', { config: { numLayers: 2 } }], 'policy');
    expect(errors).toEqual([]);
    expect(options).toEqual({
      preset: 'llama-tiny',
      config: { numLayers: 2 },
      backend: 'auto',
      kernels: 'auto',
      generationBackend: 'auto',
      seed: 0,
      weightDecay: 0,
      saveDtype: 'F32',
      scoreBatchSize: 16,
      memoryBudgetMb: 256,
    });
  });
});
