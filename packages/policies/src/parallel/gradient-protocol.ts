import type { FinishReason, TrainingItem, TrainingObjective } from '@srl/core';
import type { BackendName } from '../backend/select-backend';
import type { KernelSetName } from '../kernels/transformer-kernels';
import type { TransformerConfig } from '../model/transformer-config';

/** The main copy's weights in one SharedArrayBuffer: variable i (in `model.variables` order) at float offset `offsets[i]`. */
export interface SharedWeights {
  buffer: SharedArrayBuffer;
  offsets: number[];
}

/** What a worker needs to sample its share of a `generate` call (parallel-generate.ts). */
export interface GenerateShare {
  prompts: number[][];
  /** Each prompt's random stream as its four xoshiro128** words (prompt-streams.ts). */
  streams: number[][];
  n: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  eosTokenIds: number[];
  /** The call's longest prompt: every share pads its prefill to it (generate.ts). */
  padPromptsTo: number;
}

/** One sample as a worker returns it (the main thread detokenizes). */
export interface WorkerSample {
  tokenIds: number[];
  logprobs: number[];
  finishReason: FinishReason;
}

/** Main thread → gradient worker. */
export type ToWorker =
  | { type: 'init'; config: TransformerConfig; backend: BackendName; kernels: KernelSetName }
  | {
      type: 'step';
      id: number;
      /** The main copy's weights (the replica takes them before computing). */
      weights: SharedWeights;
      objective: TrainingObjective;
      items: TrainingItem[];
      temperature: number;
      /** Every micro-batch of the step as [first item, end item). */
      chunks: Array<[number, number]>;
      /** Indices into `chunks`, costliest first: every lane claims the next one when it is free (`claim`). */
      order: number[];
      /** Int32Array over a SharedArrayBuffer: [0] is the next position of `order` to claim (Atomics.add). */
      claim: Int32Array;
      /** Int32Array over a SharedArrayBuffer: [0] becomes 1 when the step is abandoned. */
      abort: Int32Array;
    }
  | { type: 'generate'; id: number; weights: SharedWeights; share: GenerateShare };

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
  /** `threadId`: the worker's OS thread id (Linux: /proc/thread-self), null where the platform has none. */
  | { type: 'ready'; threadId: string | null }
  | { type: 'result'; id: number; chunks: WorkerChunk[]; numTensors: number }
  | { type: 'aborted'; id: number; numTensors: number }
  | { type: 'generated'; id: number; samples: WorkerSample[][]; numTensors: number }
  | { type: 'error'; id: number | null; kind: string; message: string };
