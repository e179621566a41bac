import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SrlError } from '@srl/core';
import type { BackendName } from '../backend/select-backend';
import type { KernelSetName } from '../kernels/transformer-kernels';
import type { TransformerConfig } from '../model/transformer-config';
import type { Transformer } from '../model/transformer';
import type { FromWorker, GenerateShare, SharedWeights, ToWorker, WorkerChunk, WorkerSample } from './gradient-protocol';
import { quietV8Helpers } from './quiet-v8-helpers';

type StepMessage = Extract<ToWorker, { type: 'step' }>;

/**
 * How to start gradient-worker: from the sources (tests, `pnpm srl`) through tsx with the `source` condition,
 * from `dist` as the built `parallel/gradient-worker.js` beside the bundle.
 */
function spawn(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // tsx's ESM API (`require.resolve` would give its CommonJS build).
    const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
    const tsx = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
    const entry = new URL('./gradient-worker.ts', import.meta.url).href;
    const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { execArgv: ['--conditions=source'] });
  }
  return new Worker(new URL('./parallel/gradient-worker.js', import.meta.url));
}

interface Pending {
  resolve: (m: FromWorker) => void;
  reject: (e: Error) => void;
}

/**
 * Worker threads, each with a replica of one policy's transformer, that compute micro-batch gradients for
 * `trainStep` (train-step.ts) and sample shares of `generate` calls (parallel-generate.ts). `lanes` counts the main thread too: a pool of lanes 2 has one worker. Workers are
 * unref'd between steps, so an undisposed pool never keeps the process alive; a worker that fails or exits
 * fails its step and breaks the pool: every worker is terminated and later steps throw. Call dispose()
 * (terminates the workers).
 */
export class GradientPool {
  /** Tensors alive in each worker after its last step (the leak test reads them). */
  readonly workerTensors: number[];
  /** Each worker's OS thread id (as /proc/self/task lists it; null off Linux), for per-thread CPU accounting (bench workers). */
  readonly threadIds: Array<string | null>;
  private readonly pending: Array<Pending | null>;
  private broken: Error | null = null;
  private nextId = 1;
  private shared: SharedWeights | null = null;

  private constructor(private readonly workers: Worker[]) {
    this.workerTensors = workers.map(() => 0);
    this.pending = workers.map(() => null);
    this.threadIds = workers.map(() => null);
    workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => this.settle(i, m));
      w.on('error', (e) => this.fail(i, e));
      w.on('exit', (code) => this.fail(i, new Error(`exited with code ${code}`)));
    });
  }

  /**
   * Starts `lanes - 1` workers on `backend`, each building a replica of `config`. The pool's threads take every
   * core, so V8's background GC and compiler helpers are turned off for the process first (quiet-v8-helpers.ts).
   */
  static async start(options: { lanes: number; config: TransformerConfig; backend: BackendName; kernels: KernelSetName }): Promise<GradientPool> {
    if (!(Number.isInteger(options.lanes) && options.lanes >= 2))
      throw new SrlError('validation', `gradient pool of ${options.lanes} lanes, expected an integer >= 2`);
    quietV8Helpers();
    const pool = new GradientPool(Array.from({ length: options.lanes - 1 }, spawn));
    try {
      await Promise.all(
        pool.workers.map(async (_, i) => {
          const ready = await pool.call(i, { type: 'init', config: options.config, backend: options.backend, kernels: options.kernels });
          if (ready.type === 'ready') pool.threadIds[i] = ready.threadId;
        }),
      );
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  /** The main thread plus the workers. */
  get lanes(): number {
    return this.workers.length + 1;
  }

  /**
   * Has worker `worker` compute the micro-batches it claims from `message.order` until none is left; resolves
   * with them (in the order it computed them), or null when it saw the
   * step's abort flag. Rejects with SrlError('runtime') when the worker fails.
   */
  async compute(worker: number, message: Omit<StepMessage, 'type' | 'id'>): Promise<WorkerChunk[] | null> {
    const reply = await this.call(worker, { type: 'step', id: this.nextId++, ...message });
    if (reply.type === 'result' || reply.type === 'aborted') this.workerTensors[worker] = reply.numTensors;
    return reply.type === 'result' ? reply.chunks : null;
  }

  /**
   * Has worker `worker` sample `share` (parallel-generate.ts); resolves with its samples per prompt. Rejects
   * with SrlError('runtime') when the worker fails.
   */
  async generate(worker: number, weights: SharedWeights, share: GenerateShare): Promise<WorkerSample[][]> {
    const reply = await this.call(worker, { type: 'generate', id: this.nextId++, weights, share });
    if (reply.type !== 'generated') throw new SrlError('runtime', `gradient worker ${worker + 1} answered ${reply.type} to generate`);
    this.workerTensors[worker] = reply.numTensors;
    return reply.samples;
  }

  /**
   * `model`'s current weights copied into the pool's one SharedArrayBuffer (allocated on first use, reused
   * while the parameter count stays), which every worker reads without a copy per worker. Call it while no
   * worker is computing (calls on one policy are sequential).
   */
  shareWeights(model: Transformer): SharedWeights {
    const vars = [...model.variables.values()];
    const offsets: number[] = [];
    let total = 0;
    for (const v of vars) offsets.push(total), (total += v.size);
    if (this.shared === null || this.shared.buffer.byteLength !== 4 * total) this.shared = { buffer: new SharedArrayBuffer(4 * total), offsets };
    else this.shared.offsets = offsets;
    const all = new Float32Array(this.shared.buffer);
    vars.forEach((v, i) => all.set(v.dataSync() as Float32Array, offsets[i]));
    return this.shared;
  }

  private call(worker: number, message: ToWorker): Promise<FromWorker> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.pending[worker] !== null)
      return Promise.reject(new SrlError('runtime', `gradient worker ${worker + 1} is busy: train steps on one policy must not overlap`));
    const w = this.workers[worker];
    w.ref();
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending[worker] = { resolve, reject };
      w.postMessage(message);
    }).finally(() => w.unref());
  }

  private settle(worker: number, message: FromWorker): void {
    const p = this.pending[worker];
    this.pending[worker] = null;
    if (message.type === 'error') {
      const error = new SrlError(message.kind === 'validation' ? 'validation' : 'runtime', `gradient worker ${worker + 1} failed: ${message.message}`);
      this.broken = error;
      p?.reject(error);
      void this.dispose(); // a failed pool is not used again: end its threads now
    } else p?.resolve(message);
  }

  private fail(worker: number, cause: Error): void {
    this.broken ??= new SrlError(
      'runtime',
      `gradient worker ${worker + 1} stopped: ${cause.message}. The policy's workers cannot be used any more; create the policy again (or set workers: 1)`,
    );
    const p = this.pending[worker];
    this.pending[worker] = null;
    p?.reject(this.broken);
    void this.dispose();
  }

  /** Terminates the workers; idempotent. */
  async dispose(): Promise<void> {
    this.broken ??= new SrlError('runtime', 'the gradient pool was disposed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
