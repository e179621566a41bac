import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend/select-backend';
import { readSafetensors } from '../src/checkpoint';
import { Transformer } from '../src/model/transformer';
import type { TransformerConfig } from '../src/model/transformer-config';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dir = path.resolve(repoRoot, '../shared/data/models/stories260K');

function loadConfig(): TransformerConfig {
  const hf = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  return {
    family: 'llama', vocabSize: hf.vocab_size, hiddenSize: hf.hidden_size, numLayers: hf.num_hidden_layers, numHeads: hf.num_attention_heads,
    numKvHeads: hf.num_key_value_heads, intermediateSize: hf.intermediate_size, maxPositions: hf.max_position_embeddings, norm: 'rmsnorm',
    normEps: hf.rms_norm_eps, positions: 'rope', ropeTheta: hf.rope_theta, mlp: 'swiglu', qkvBias: false, linearBias: false,
    tieEmbeddings: hf.tie_word_embeddings, bosTokenId: hf.bos_token_id, eosTokenId: hf.eos_token_id,
  };
}

describe('stories260K', () => {
  beforeAll(async () => { await selectBackend({ backend: 'wasm' }); });
  it('reproduces the reference greedy ids without a cache', () => {
    const expected = readFileSync(path.join(dir, 'reference_greedy_ids.txt'), 'utf8').trim().split(/\s+/).map(Number);
    const model = Transformer.fromHuggingFace(loadConfig(), readSafetensors(path.join(dir, 'model.safetensors')));
    const ids = [1];
    for (let i = 0; i < 80; i++) {
      const next = tf.tidy(() => {
        const { logits } = model.forward({ ids: Int32Array.from(ids), batch: 1, length: ids.length }, { outputRows: Int32Array.of(ids.length - 1) });
        return tf.argMax(logits, -1).dataSync()[0];
      });
      ids.push(next);
    }
    console.log(ids.slice(1).join(' '));
    expect(ids.slice(1)).toEqual(expected);
    model.dispose();
  });
});
