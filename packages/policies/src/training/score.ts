import * as tf from '@tensorflow/tfjs-core';
import type { ScoredSequence, SequenceScores } from '@srl/core';
import { tokenLogProbs } from '../model/ops/token-log-probs';
import type { Transformer } from '../model/transformer';
import { packBatch } from './pack-batch';
import { planMicroBatches } from './plan-micro-batches';

/**
 * log p and next-token entropy of every completion token under softmax(logits / temperature) and the model's current weights (prompt tokens are
 * context only), with the inference kernels (no gradient) and the same float32 log-softmax as training: the two
 * agree to float rounding (~1e-6), so a ratio exp(new - old) is 1 for unchanged weights. Sequences with an empty completion get empty arrays.
 * Passes hold at most `maxItems` sequences and fit `memoryBudgetBytes` (0 = no limit); sequences with equal
 * prompts in a pass share one pass over the prompt (pack-batch.ts). Leaves no tensors behind.
 */
export function scoreSequences(
  model: Transformer,
  sequences: readonly ScoredSequence[],
  maxItems?: number,
  temperature = 1,
  memoryBudgetBytes = 0,
): SequenceScores[] {
  const out: SequenceScores[] = [];
  if (sequences.length === 0) return out;
  for (const chunk of planMicroBatches(sequences, { maxItems, budgetBytes: memoryBudgetBytes, config: model.config, training: false })) {
    const packed = packBatch(chunk, model.config);
    if (packed.targets.length === 0) {
      for (let i = 0; i < chunk.length; i++) out.push({ logprobs: [], entropies: [] });
      continue;
    }
    // Read the results after tidy: returning typed arrays from tf.tidy makes tfjs scan every element for tensors.
    const [lpT, enT] = tf.tidy(() => {
      const { logits } = model.forward(packed.tokens, { mode: 'score', outputRows: packed.outputRows });
      const r = tokenLogProbs(logits, packed.targets, temperature);
      return [r.logprobs, r.entropies];
    });
    const lp = lpT.dataSync() as Float32Array;
    const en = enT.dataSync() as Float32Array;
    tf.dispose([lpT, enT]);
    for (let i = 0; i < chunk.length; i++) {
      const [a, b] = [packed.offsets[i], packed.offsets[i + 1]];
      out.push({ logprobs: Array.from(lp.subarray(a, b)), entropies: Array.from(en.subarray(a, b)) });
    }
  }
  return out;
}
