/**
 * A gradient worker (a `worker_threads` entry): holds a replica of the policy's transformer on its own tfjs
 * backend and computes the gradients of the micro-batches it is given, or samples the prompts it is given, with
 * the main copy's weights of that call. It never updates weights itself: the main thread sums every micro-batch's gradients in micro-batch
 * order and takes the one AdamW step (gradient-pool.ts).
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { isSrlError, SeededRng } from '@srl/core/base';
import { selectBackend } from '../backend/select-backend';
import { generate } from '../generation/generate';
import { selectKernels } from '../kernels/select-kernels';
import { Transformer } from '../model/transformer';
import { planTokens } from '../training/objective';
import { chunkGradient } from './chunk-gradient';
import type { FromWorker, SharedWeights, ToWorker, WorkerChunk } from './gradient-protocol';

const port = parentPort;
if (port === null) throw new Error('gradient-worker.ts runs as a worker thread (new Worker), not as a script');
let model: Transformer | null = null;

const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

/** Copies the shared weights into the replica's variables: in place on the wasm heap when nothing shares them. */
function writeWeights(m: Transformer, weights: SharedWeights): void {
  const vars = [...m.variables.values()];
  if (vars.length !== weights.offsets.length) throw new Error(`weights for ${weights.offsets.length} variables, expected ${vars.length}`);
  const all = new Float32Array(weights.buffer);
  vars.forEach((v, i) => {
    const end = i + 1 < vars.length ? weights.offsets[i + 1] : all.length;
    const data = all.subarray(weights.offsets[i], end);
    if (data.length !== v.size) throw new Error(`weights for ${v.name}: ${data.length} values, expected ${v.size}`);
    if (!m.kernels.writeVariableInPlace(v, data)) {
      const t = tf.tensor(data, v.shape);
      v.assign(t);
      t.dispose();
    }
  });
}

/** This thread's OS thread id (what /proc/self/task lists), for per-thread CPU accounting; null off Linux. */
function osThreadId(): string | null {
  try {
    return path.basename(realpathSync('/proc/thread-self'));
  } catch {
    return null;
  }
}

function step(m: Transformer, msg: Extract<ToWorker, { type: 'step' }>): void {
  writeWeights(m, msg.weights);
  const plan = planTokens(msg.objective, msg.items);
  const out: WorkerChunk[] = [];
  const transfer: ArrayBuffer[] = [];
  // Scratch for chunkGradient, which writes only [from, to) of each; the chunks' slices are copied out.
  const logprobs = new Float32Array(plan.coef.length);
  const entropies = new Float32Array(plan.coef.length);
  for (;;) {
    if (Atomics.load(msg.abort, 0) === 1) {
      send({ type: 'aborted', id: msg.id, numTensors: tf.memory().numTensors });
      return;
    }
    const k = Atomics.add(msg.claim, 0, 1);
    if (k >= msg.order.length) break;
    const index = msg.order[k];
    const [first, end] = msg.chunks[index];
    const from = plan.offsets[first];
    const to = plan.offsets[end];
    if (to === from) {
      out.push({ index, loss: 0, grads: null, logprobs: new Float32Array(0), entropies: new Float32Array(0) });
      continue;
    }
    const r = chunkGradient({
      model: m,
      objective: msg.objective,
      plan,
      chunk: msg.items.slice(first, end),
      from,
      to,
      temperature: msg.temperature,
      logprobs,
      entropies,
    });
    // wasm's dataSync is a fresh copy off the heap; other backends may hand out their own storage.
    const grads = r.grads.map((g) => (tf.getBackend() === 'wasm' ? (g.dataSync() as Float32Array) : Float32Array.from(g.dataSync() as Float32Array)));
    tf.dispose(r.grads);
    const chunk = { index, loss: r.loss, grads, logprobs: logprobs.slice(from, to), entropies: entropies.slice(from, to) };
    out.push(chunk);
    transfer.push(...grads.map((g) => g.buffer as ArrayBuffer), chunk.logprobs.buffer, chunk.entropies.buffer);
  }
  send({ type: 'result', id: msg.id, chunks: out, numTensors: tf.memory().numTensors }, transfer);
}

/** Samples the worker's share of a `generate` call with the main copy's weights and the prompts' own streams. */
async function sample(m: Transformer, msg: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  writeWeights(m, msg.weights);
  const { share } = msg;
  const out = await generate(m, share.prompts, {
    n: share.n,
    maxTokens: share.maxTokens,
    temperature: share.temperature,
    topP: share.topP,
    topK: share.topK,
    eosTokenIds: share.eosTokenIds,
    padPromptsTo: share.padPromptsTo,
    rng: new SeededRng(0), // unused: `streams` are given
    streams: share.streams.map((w) => SeededRng.fromWords(w)),
  });
  const samples = out.map((seqs) => seqs.map((q) => ({ tokenIds: q.tokenIds, logprobs: q.logprobs, finishReason: q.finishReason })));
  send({ type: 'generated', id: msg.id, samples, numTensors: tf.memory().numTensors });
}

port.on('message', (msg: ToWorker) => {
  const id = msg.type === 'init' ? null : msg.id;
  void (async () => {
    if (msg.type === 'init') {
      await selectBackend({ backend: msg.backend });
      model = Transformer.random(msg.config, 0, selectKernels(msg.kernels));
      send({ type: 'ready', threadId: osThreadId() });
    } else {
      if (model === null) throw new Error(`${msg.type} before init`);
      if (msg.type === 'step') step(model, msg);
      else await sample(model, msg);
    }
  })().catch((error: unknown) => {
    send({ type: 'error', id, kind: isSrlError(error) ? error.kind : 'runtime', message: (error as Error)?.stack ?? String(error) });
  });
});
