import * as tf from '@tensorflow/tfjs-core';
import type { TrainingItem, TrainStepInput } from '@srl/core';
import type { Transformer } from '../model/transformer';
import { passShape } from '../training/pack-batch';
import { planMicroBatches } from '../training/plan-micro-batches';
import type { GradientPool } from './gradient-pool';
import type { WorkerChunk } from './gradient-protocol';
import { splitLanes } from './split-lanes';

/**
 * A train step's micro-batches: by `microBatchSize`, else by the memory budget (plan-micro-batches.ts). With
 * `lanes` > 1 and fewer micro-batches than lanes, the items are split further (at most ceil(items / lanes) per
 * micro-batch, prompt groups kept whole where they fit) so every lane has work; that changes only the order
 * of the float32 gradient sum. With enough micro-batches the plan is the one a single thread uses.
 */
export function planChunks<T extends TrainingItem>(
  items: readonly T[],
  size: number | undefined,
  budgetBytes: number,
  model: Transformer,
  lanes: number,
): T[][] {
  const plan = (maxItems?: number): T[][] =>
    planMicroBatches(items, {
      size: size !== undefined && size > 0 && maxItems !== undefined ? Math.min(size, maxItems) : size,
      budgetBytes,
      maxItems,
      config: model.config,
      training: true,
    });
  const chunks = plan();
  return lanes > 1 && chunks.length < lanes && items.length > 1 ? plan(Math.ceil(items.length / lanes)) : chunks;
}

/** The workers' part of one train step. */
export interface RemoteShare {
  /** Micro-batches [0, localCount) run on the main thread. */
  localCount: number;
  /** The workers' micro-batches in micro-batch order, or null when a worker saw the abort flag. */
  results: Promise<WorkerChunk[] | null>;
  /** Asks the workers to stop at their next micro-batch. */
  abort(): void;
}

/**
 * Sends the micro-batches after the main thread's share to `pool`'s workers, with the main copy's current
 * weights (so each replica computes with exactly the weights the main thread uses), and returns at once.
 */
export function startWorkers(
  pool: GradientPool,
  step: { model: Transformer; input: TrainStepInput; temperature: number; bounds: Array<[number, number]>; chunks: TrainingItem[][] },
): RemoteShare {
  const costs = step.chunks.map((c) => passShape(c).positions);
  const starts = splitLanes(costs, pool.lanes);
  const abort = new Int32Array(new SharedArrayBuffer(4));
  const stop = (): void => void Atomics.store(abort, 0, 1);
  step.input.signal?.addEventListener('abort', stop, { once: true });
  const weights = [...step.model.variables.values()].map((v) =>
    tf.getBackend() === 'wasm' ? (v.dataSync() as Float32Array) : Float32Array.from(v.dataSync() as Float32Array),
  );
  const { objective, items } = step.input;
  const shares: Array<Promise<WorkerChunk[] | null>> = [];
  for (let lane = 1; lane < pool.lanes; lane++) {
    const assigned = Array.from({ length: starts[lane + 1] - starts[lane] }, (_, k) => starts[lane] + k);
    if (assigned.length === 0) continue;
    shares.push(pool.compute(lane - 1, { weights, objective, items, temperature: step.temperature, chunks: step.bounds, assigned, abort }));
  }
  const results = Promise.all(shares)
    .then((parts) => (parts.some((p) => p === null) ? null : parts.flatMap((p) => p as WorkerChunk[])))
    .finally(() => step.input.signal?.removeEventListener('abort', stop));
  results.catch(() => undefined); // handled by the train step (awaited there), never an unhandled rejection
  return { localCount: starts[1], results, abort: stop };
}
