/**
 * Time-boxing for synchronous checks. A check cannot be interrupted from outside (it runs on the
 * event loop), so the work is bounded from inside: the evaluator ticks the budget every node it
 * visits, and answer sizes are capped before parsing (see `limits` in verify-math-answer.ts).
 */
export class TimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`math answer check exceeded its budget of ${budgetMs} ms`);
    this.name = 'TimeoutError';
  }
}

export class Budget {
  private readonly deadline: number;
  private ticks = 0;

  constructor(readonly ms: number) {
    this.deadline = performance.now() + ms;
  }

  /** Throws TimeoutError once the deadline has passed (the clock is read every 256 ticks). */
  tick(): void {
    if ((++this.ticks & 255) === 0) this.check();
  }

  check(): void {
    if (performance.now() > this.deadline) throw new TimeoutError(this.ms);
  }

  get expired(): boolean {
    return performance.now() > this.deadline;
  }
}

export const isTimeoutError = (error: unknown): error is TimeoutError => error instanceof TimeoutError;
