import { SrlError, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';

interface Pending {
  rows: RewardInput[];
  resolve: (results: RewardResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Merges the rows of concurrent requests into one `score()` call (up to `maxRows`), one call at a
 * time, so a batched reward sees batches and requests never wait for each other's parsing. When a
 * merged call fails, each request is scored alone, so one bad request fails only itself.
 */
export class RewardBatcher {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly model: RewardModel,
    private readonly maxRows = 4096,
  ) {}

  score(rows: RewardInput[]): Promise<RewardResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch: Pending[] = [];
      let n = 0;
      while (this.queue.length && (batch.length === 0 || n + this.queue[0].rows.length <= this.maxRows)) {
        const p = this.queue.shift()!;
        batch.push(p);
        n += p.rows.length;
      }
      try {
        const results = await this.call(batch.flatMap((p) => p.rows));
        let at = 0;
        for (const p of batch) {
          p.resolve(results.slice(at, at + p.rows.length));
          at += p.rows.length;
        }
      } catch (error) {
        if (batch.length === 1) batch[0].reject(error);
        else for (const p of batch) await this.call(p.rows).then(p.resolve, p.reject);
      }
    }
    this.running = false;
  }

  private async call(rows: RewardInput[]): Promise<RewardResult[]> {
    const results = await this.model.score(rows);
    if (results.length !== rows.length) {
      throw new SrlError(
        'plugin',
        `reward "${this.model.name}" returned ${results.length} results for ${rows.length} rows; expected one result per row, in order: fix its score() (return { reward: null } for a row it does not apply to)`,
      );
    }
    return results;
  }
}
