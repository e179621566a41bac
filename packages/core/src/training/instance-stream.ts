import type { Instance } from '../contracts/task';
import { SeededRng } from './seeded-rng';

export interface StreamCursor {
  epoch: number;
  index: number;
}

/**
 * Endless epochs over a fixed list of instances, reshuffled each epoch from (seed, epoch). The
 * cursor is two integers, so a checkpoint resumes the data order exactly.
 */
export class InstanceStream {
  private order: number[] = [];
  private cursor: StreamCursor;

  constructor(
    private readonly instances: readonly Instance[],
    private readonly seed: number,
    private readonly shuffle = true,
    cursor: StreamCursor = { epoch: 0, index: 0 },
  ) {
    // Invariant, not user input: loadTokenizedInstances already refuses an empty split with an SrlError.
    if (instances.length === 0) throw new Error('InstanceStream needs at least one instance');
    this.cursor = { ...cursor };
    this.order = this.permutation(this.cursor.epoch);
  }

  get size(): number {
    return this.instances.length;
  }

  /** Fractional epochs consumed so far. */
  get epochs(): number {
    return this.cursor.epoch + this.cursor.index / this.instances.length;
  }

  private permutation(epoch: number): number[] {
    const ids = this.instances.map((_, i) => i);
    return this.shuffle ? SeededRng.fromWords([this.seed >>> 0, epoch >>> 0, 0x5eed, 0x1234]).shuffle(ids) : ids;
  }

  next(n: number): Instance[] {
    const out: Instance[] = [];
    while (out.length < n) {
      if (this.cursor.index >= this.order.length) {
        this.cursor = { epoch: this.cursor.epoch + 1, index: 0 };
        this.order = this.permutation(this.cursor.epoch);
      }
      out.push(this.instances[this.order[this.cursor.index++]]);
    }
    return out;
  }

  state(): StreamCursor {
    return { ...this.cursor };
  }
}
