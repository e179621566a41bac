// Benchmark: one training pass (forward and backward of the cross-entropy) over step instances that share a prompt
// prefix, in the layout srl picks (packBatch: the prefix once, each instance's rest of prompt and completion after
// it) against whole padded rows (packSequences), on the same weights, alternating.
// Run: pnpm bench layouts [--backend wasm|tensorflow|cpu] [--prefix 700] [--iters 6] [--warmup 2]
// The instances are shaped like SFT on SRL step instances with the paper's math system prompt (683 characters,
// one byte token each: --prefix 700 with the chat template): 8 rests of 150-680 tokens (problem and steps so
// far) and completions of 40-86 tokens, on the quickstart's model (llama, hidden 64, 2 layers, byte tokens).
// Prints both medians, the layout packBatch chose, the loss difference, and the ratio last.
import type * as Tf from '@tensorflow/tfjs-core';
import type { TrainingItem } from '@srl/core';
import { selectBackend, type BackendName } from '../packages/policies/src/backend/select-backend.ts';
import { selectKernels } from '../packages/policies/src/kernels/select-kernels.ts';
import { tokenLogProbs } from '../packages/policies/src/model/ops/token-log-probs.ts';
import { isPrefixBatch } from '../packages/policies/src/model/prefix-attention.ts';
import { Transformer } from '../packages/policies/src/model/transformer.ts';
import { packBatch, passShape } from '../packages/policies/src/training/pack-batch.ts';
import { packSequences, type SequenceBatch } from '../packages/policies/src/training/sequence-batch.ts';
import { SeededRng } from '../packages/core/src/training/seeded-rng.ts';
import { median, tf } from './policy-helpers.ts';
import { quickstartModelConfig } from './quickstart-model.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const prefixLength = Number(opt('prefix', '700'));
const iters = Number(opt('iters', '6'));
const warmup = Number(opt('warmup', '2'));

await selectBackend({ backend: opt('backend', 'wasm') as BackendName });
const config = quickstartModelConfig(prefixLength + 768);
const model = Transformer.random(config, 1, selectKernels());
const rng = new SeededRng(7);
const tokens = (n: number): number[] => Array.from({ length: n }, () => Math.floor(rng.uniform53() * 256));
const prefix = tokens(prefixLength);
const rests = [150, 250, 330, 400, 460, 520, 580, 680];
const completions = [40, 50, 60, 66, 70, 75, 80, 86];
const items: TrainingItem[] = rests.map((n, i) => ({ promptTokenIds: [...prefix, ...tokens(n)], completionTokenIds: tokens(completions[i]) }));

/** Mean cross-entropy of the completions and its gradients, one pass over `packed`; returns the loss. */
function pass(packed: SequenceBatch): number {
  const vars = [...model.variables.values()];
  const { value, grads } = tf.variableGrads(() => {
    const { logits } = model.forward(packed.tokens, { outputRows: packed.outputRows });
    return tf.neg(tf.mean(tokenLogProbs(logits, packed.targets, 1).logprobs)) as Tf.Scalar;
  }, vars);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}

const layouts: Record<string, SequenceBatch> = { chosen: packBatch(items, config), rows: packSequences(items, config) };
const shape = passShape(items, config);
const before = tf.memory().numTensors;
const times: Record<string, number[]> = { chosen: [], rows: [] };
const losses: Record<string, number> = {};
for (let i = 0; i < warmup + iters; i++) {
  for (const name of ['chosen', 'rows']) {
    const t0 = performance.now();
    losses[name] = pass(layouts[name]);
    if (i >= warmup) times[name].push(performance.now() - t0);
  }
}
if (tf.memory().numTensors !== before) console.log(`LEAK: ${tf.memory().numTensors - before} tensors`);
model.dispose();

const positions = (b: SequenceBatch): number =>
  isPrefixBatch(b.tokens) ? b.tokens.prefixes * b.tokens.prefixLength + b.tokens.batch * b.tokens.length : b.tokens.batch * b.tokens.length;
console.log(`backend ${tf.getBackend()}, kernels ${model.kernels.name}, ${items.length} instances, common prefix ${prefixLength} tokens`);
console.log(`packBatch chose layout '${shape.layout}' (${positions(layouts.chosen)} token positions; whole rows ${positions(layouts.rows)})`);
console.log(
  `loss: chosen ${losses.chosen.toFixed(7)}, whole rows ${losses.rows.toFixed(7)} (difference ${Math.abs(losses.chosen - losses.rows).toExponential(1)})`,
);
console.log(`chosen layout: ${median(times.chosen).toFixed(1)} ms per pass (median of ${iters})`);
console.log(`whole rows:    ${median(times.rows).toFixed(1)} ms per pass (median of ${iters})`);
console.log(`ratio chosen / whole rows: ${(median(times.chosen) / median(times.rows)).toFixed(2)}x`);
