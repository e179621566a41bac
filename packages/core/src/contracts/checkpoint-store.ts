import type { ServiceIdentifier } from 'inversify';

/** Trainer state saved beside the policy's weights. Everything needed to resume exactly. */
export interface TrainerState {
  stage: number;
  step: number;
  /** Opaque per-trainer state: data cursor, RNG state, best validation score, ... */
  data: Record<string, unknown>;
}

export interface CheckpointInfo {
  dir: string;
  stage: number;
  step: number;
  tag: 'latest' | 'best' | 'final';
}

/** Atomic checkpoints: a checkpoint is written to a temp folder, then renamed into place. */
export interface CheckpointStore {
  readonly root: string;
  /** Calls `write(tmpDir)`, then atomically publishes it under `tag`. */
  save(info: Omit<CheckpointInfo, 'dir'>, state: TrainerState, write: (dir: string) => Promise<void>): Promise<CheckpointInfo>;
  /** The newest complete checkpoint with this tag, or null. */
  latest(tag?: CheckpointInfo['tag']): Promise<{ info: CheckpointInfo; state: TrainerState } | null>;
}
export const CheckpointStore: ServiceIdentifier<CheckpointStore> = Symbol.for('@srl/core/CheckpointStore');
