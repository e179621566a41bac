import type { TransformerConfig } from '../model/transformer-config';
import type { PassShape } from '../training/pack-batch';

/**
 * Estimated multiply-adds of one forward pass of `shape` (the backward is about twice that, for every shape
 * alike): per layer the projections and MLP at every computed position plus the attention products at every
 * score element, then the logits of the output rows. A relative cost for balancing lanes, not a timing.
 */
export function passCost(
  shape: PassShape,
  c: Pick<TransformerConfig, 'hiddenSize' | 'numHeads' | 'numKvHeads' | 'intermediateSize' | 'numLayers' | 'vocabSize'>,
): number {
  const D = c.hiddenSize / c.numHeads;
  const perPosition = c.hiddenSize * (c.hiddenSize + 2 * c.numKvHeads * D) + c.hiddenSize * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize;
  return c.numLayers * (shape.positions * perPosition + 2 * c.numHeads * D * shape.scores) + shape.outputs * c.hiddenSize * c.vocabSize;
}
