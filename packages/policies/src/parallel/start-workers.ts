import type { TrainingItem, TrainStepInput } from '@srl/core';
import type { Transformer } from '../model/transformer';
import { passShape, promptGroups } from '../training/pack-batch';
import { planMicroBatches } from '../training/plan-micro-batches';
import type { GradientPool } from './gradient-pool';
import type { WorkerChunk } from './gradient-protocol';
import { passCost } from './pass-cost';

/**
 * A train step's micro-batches: by `microBatchSize`, else by the memory budget (plan-micro-batches.ts). With
 * `lanes` > 1 and no `microBatchSize`, micro-batches also hold at most max(ceil(items / (2 lanes)), the largest
 * run of items sharing a prompt) items, so there are enough of them to balance the lanes while a GRPO group's
 * prompt still runs once; with fewer micro-batches than lanes, the items are split further (at most
 * ceil(items / lanes) per micro-batch). A finer plan than one thread's changes only the order of the float32
 * gradient sum; with `microBatchSize` set (and at least `lanes` micro-batches) the plan is one thread's.
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
  if (lanes <= 1 || items.length <= 1) return plan();
  const chunks = size !== undefined && size > 0 ? plan() : plan(Math.max(Math.ceil(items.length / (2 * lanes)), longestPromptRun(items)));
  return chunks.length < lanes ? plan(Math.ceil(items.length / lanes)) : chunks;
}

/** The most consecutive items with one prompt (a GRPO group's size). */
function longestPromptRun(items: readonly TrainingItem[]): number {
  const { promptOf } = promptGroups(items);
  let best = 1;
  let run = 1;
  for (let i = 1; i < items.length; i++) best = Math.max(best, (run = promptOf[i] === promptOf[i - 1] ? run + 1 : 1));
  return best;
}

/** The workers' part of one train step. */
export interface RemoteShare {
  /** The main thread's next micro-batch (claimed from the shared order), or -1 when every one is claimed. */
  claim(): number;
  /** The workers' micro-batches in micro-batch order, or null when a worker saw the abort flag. */
  results: Promise<WorkerChunk[] | null>;
  /** Asks the workers to stop at their next micro-batch. */
  abort(): void;
}

/**
 * Sends the workers the step (with the main copy's current weights, so each replica computes with exactly the
 * weights the main thread uses) and the micro-batches in order of estimated cost, costliest first
 * (pass-cost.ts), and returns at once. The main thread and the workers then claim the next micro-batch of that
 * order whenever they are free, so a lane that runs slower (another load on its core, a cost misjudged) takes
 * fewer. Which lane computes a micro-batch never changes its bits, and the train step sums them in micro-batch
 * order.
 */
export function startWorkers(
  pool: GradientPool,
  step: { model: Transformer; input: TrainStepInput; temperature: number; bounds: Array<[number, number]>; chunks: TrainingItem[][] },
): RemoteShare {
  const costs = step.chunks.map((c) => passCost(passShape(c, step.model.config), step.model.config));
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const abort = new Int32Array(new SharedArrayBuffer(4));
  const stop = (): void => void Atomics.store(abort, 0, 1);
  step.input.signal?.addEventListener('abort', stop, { once: true });
  const weights = pool.shareWeights(step.model);
  const { objective, items } = step.input;
  const shares: Array<Promise<WorkerChunk[] | null>> = [];
  for (let worker = 0; worker + 1 < pool.lanes; worker++)
    shares.push(pool.compute(worker, { weights, objective, items, temperature: step.temperature, chunks: step.bounds, order, claim, abort }));
  const results = Promise.all(shares)
    .then((parts) => (parts.some((p) => p === null) ? null : parts.flatMap((p) => p as WorkerChunk[]).sort((a, b) => a.index - b.index)))
    .finally(() => step.input.signal?.removeEventListener('abort', stop));
  results.catch(() => undefined); // handled by the train step (awaited there), never an unhandled rejection
  return {
    claim: () => {
      const k = Atomics.add(claim, 0, 1);
      return k < order.length ? order[k] : -1;
    },
    results,
    abort: stop,
  };
}
