import type { TrainingItem, TrainingObjective } from '@srl/core';
import type { BackendName } from '../backend/select-backend';
import type { KernelSetName } from '../kernels/transformer-kernels';
import type { TransformerConfig } from '../model/transformer-config';

/** Main thread → gradient worker. */
export type ToWorker =
  | { type: 'init'; config: TransformerConfig; backend: BackendName; kernels: KernelSetName }
  | {
      type: 'step';
      id: number;
      /** The main copy's weights, in `model.variables` order (the replica takes them before computing). */
      weights: Float32Array[];
      objective: TrainingObjective;
      items: TrainingItem[];
      temperature: number;
      /** Every micro-batch of the step as [first item, end item). */
      chunks: Array<[number, number]>;
      /** Indices into `chunks` this worker computes, ascending. */
      assigned: number[];
      /** Int32Array over a SharedArrayBuffer: [0] becomes 1 when the step is abandoned. */
      abort: Int32Array;
    };

/** One micro-batch computed by a worker. */
export interface WorkerChunk {
  index: number;
  loss: number;
  /** Gradients in `model.variables` order; null when the micro-batch has no completion tokens. */
  grads: Float32Array[] | null;
  logprobs: Float32Array;
  entropies: Float32Array;
}

/** Gradient worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; chunks: WorkerChunk[]; numTensors: number }
  | { type: 'aborted'; id: number; numTensors: number }
  | { type: 'error'; id: number | null; kind: string; message: string };
