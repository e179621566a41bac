// `pnpm bench backend-diff [--backends wasm,cpu,tensorflow]`: how far float results differ between backends (issue 16).
// On each backend: the tiny Qwen2 fixture's logits against Hugging Face transformers' (training and inference
// passes), stories260K's 80 greedy ids against llama2.c's, and 20 cross-entropy AdamW steps of a random llama-tiny
// (loss, gradient norm and weights after them against wasm's). Prints one JSON line per backend, then the table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as Tf from '@tensorflow/tfjs-core';
import type { TrainingItem } from '@srl/core';
import { selectBackend, type BackendName } from '../packages/policies/src/backend/select-backend.ts';
import { loadHfCheckpoint } from '../packages/policies/src/checkpoint/hf-checkpoint.ts';
import { readSafetensors } from '../packages/policies/src/checkpoint/safetensors.ts';
import { configFromHf } from '../packages/policies/src/checkpoint/hf-config.ts';
import { generate } from '../packages/policies/src/generation/generate.ts';
import { SeededRng as Rng } from '../packages/core/src/training/seeded-rng.ts';
import { transformerPreset } from '../packages/policies/src/model/presets.ts';
import { Transformer } from '../packages/policies/src/model/transformer.ts';
import { AdamW } from '../packages/policies/src/training/adamw.ts';
import { trainStep } from '../packages/policies/src/training/train-step.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// The copy of tfjs-core the policies package imports (bench/ has no node_modules of its own).
const tf = createRequire(path.join(root, 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;
const arg = process.argv.indexOf('--backends');
const backends = (arg > 0 ? process.argv[arg + 1] : 'wasm,cpu,tensorflow').split(',') as BackendName[];
const fixture = path.join(root, 'packages/policies/src/checkpoint/fixtures/transformers-tiny-qwen2');
const reference = JSON.parse(readFileSync(path.join(fixture, 'reference.json'), 'utf8'));
const refLogits = readSafetensors(path.join(fixture, 'reference.safetensors')).get('logits')!.data;
const stories = path.join(root, '../shared/data/models/stories260K');
const storiesIds = readFileSync(path.join(stories, 'reference_greedy_ids.txt'), 'utf8').trim().split(/\s+/).map(Number);
const texts = ['the cat sat', 'a dog ran far', 'hello there!', 'srl steps'];
const sft: TrainingItem[] = texts.map((t, i) => ({ promptTokenIds: [1, 200 + i], completionTokenIds: [...Buffer.from(t)] }));

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

function storiesModel(): Transformer {
  const hf = JSON.parse(readFileSync(path.join(stories, 'config.json'), 'utf8'));
  return Transformer.fromHuggingFace(configFromHf(hf), readSafetensors(path.join(stories, 'model.safetensors')));
}

const rows: Record<string, unknown>[] = [];
let wasmWeights: Map<string, Float32Array> | null = null;
let wasmLosses: number[] = [];
for (const backend of backends) {
  await selectBackend({ backend });
  const qwen = loadHfCheckpoint(fixture);
  const model = Transformer.fromHuggingFace(qwen.config, qwen.tensors);
  const ids = Int32Array.from(reference.prompt_ids as number[]);
  const [trainPass, inferencePass] = (['train', 'score'] as const).map((mode) =>
    maxAbs(
      tf.tidy(() => model.forward({ ids, batch: 1, length: ids.length }, { mode }).logits.dataSync()),
      refLogits,
    ),
  );
  model.dispose();
  const sm = storiesModel();
  const [[greedy]] = await generate(sm, [[1]], { n: 1, temperature: 0, topP: 1, topK: 0, maxTokens: 80, eosTokenIds: [], rng: new Rng(0), useCache: true });
  sm.dispose();
  const tiny = Transformer.random(transformerPreset('llama-tiny'), 1);
  const opt = new AdamW(tiny.variables, { kernels: tiny.kernels });
  const losses: number[] = [];
  let gradNorm = 0;
  for (let i = 0; i < 20; i++) {
    const r = await trainStep(tiny, opt, { objective: { kind: 'cross-entropy' }, items: sft, learningRate: 1e-2, maxGradNorm: 1 });
    losses.push(r.loss);
    if (i === 0) gradNorm = r.gradNorm;
  }
  const weights = new Map([...tiny.variables].map(([name, v]) => [name, v.dataSync() as Float32Array]));
  opt.dispose();
  tiny.dispose();
  if (backend === 'wasm') [wasmWeights, wasmLosses] = [weights, losses];
  const vsWasm = wasmWeights && backend !== 'wasm' ? Math.max(...[...weights].map(([n, w]) => maxAbs(w, wasmWeights!.get(n)!))) : null;
  const row = {
    backend,
    qwen2LogitsTrain: trainPass,
    qwen2LogitsInference: inferencePass,
    stories260kIdsMatching: greedy.tokenIds.filter((t, i) => t === storiesIds[i]).length,
    firstLoss: losses[0],
    firstGradNorm: gradNorm,
    loss20: losses[19],
    loss20VsWasm: backend === 'wasm' || wasmLosses.length === 0 ? null : Math.abs(losses[19] - wasmLosses[19]),
    weights20VsWasm: vsWasm,
  };
  console.log(JSON.stringify(row));
  rows.push(row);
}
console.table(rows);
