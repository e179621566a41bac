/**
 * Sampling on the wasm backend for a model that trains on another one (the policy option `generationBackend`),
 * in the same process. tfjs-core has one engine with one active backend, and every tensor remembers the backend
 * that holds its data: so the copy's variables live on wasm, `run` makes wasm the active backend for the length
 * of one generation and then restores the previous one, and the copy is refreshed from the source model's weights
 * once after each update (`invalidate`), a read of every variable plus a write onto the wasm heap. Nothing here
 * reads a source tensor from a wasm kernel: the engine would then move that tensor's data to wasm for good
 * (engine.moveData), silently, and the next train step would move it back. The prompts' prefill is one large pass
 * and runs on the source (`run`'s `prefill`); only the decoding steps, hundreds of small products, run on the copy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SrlError } from '@srl/core';
import { configureWasmPaths } from '../backend/select-backend';
import { wasmKernels } from '../kernels/wasm-kernels';
import { Transformer } from '../model/transformer';
import type { Prefill, PrefillInput, PrefillResult } from './generate';

/**
 * Prefills of fewer positions (prompts x padded length) than this run on the copy: a tensorflow pass pays ~10 ms
 * of kernel-call overhead that a small one does not earn back. Measured on the quickstart's model (4 prompts, median
 * of 10): 4 x 16 positions 4.9 ms on wasm against 17.1 ms on tensorflow, 4 x 128 23.4 against 35.9, 4 x 256 47.8
 * against 56.6, 4 x 600 107.9 against 50.2.
 */
export const SOURCE_PREFILL_MIN_POSITIONS = 1024;

export class WasmGenerationCopy {
  private copy: Transformer | null = null;
  private stale = true;
  /** Generations in flight: the backend is restored when the last one ends. */
  private running = 0;
  private home = '';
  /** Milliseconds the last weight handover took (reading the source weights and writing them onto the wasm heap). */
  lastHandoverMs = 0;

  /** `sourcePrefillMinPositions`: the smallest prefill (prompts x padded length) that runs on the source. */
  constructor(
    private readonly source: Transformer,
    private readonly options: { sourcePrefillMinPositions?: number } = {},
  ) {}

  /** Starts the wasm backend and makes the copy now (else the first `run` does), so that its tensors exist from here on. */
  async prepare(): Promise<void> {
    await this.run(async () => undefined);
  }

  /** The source's weights changed (a train step, a load): the next `run` copies them first. */
  invalidate(): void {
    this.stale = true;
  }

  /**
   * Runs `fn` with wasm as the active backend and the copy, up to date, as its model; then restores the backend
   * that was active. Overlapping calls share the switch (the backend comes back when the last ends), so any other
   * tensor work started meanwhile runs on wasm too: callers keep policy calls sequential, as the trainers do.
   * `prefill` (for `generate`'s option of that name) runs a prompt prefill of at least `sourcePrefillMinPositions`
   * positions on the source model, on its own backend, and hands its keys and values to wasm (see
   * `prefillOnSource`); for a smaller one, or while another call overlaps (whose work must not run on the source
   * backend), it answers null and generate prefills on the copy.
   */
  async run<T>(fn: (model: Transformer, prefill: Prefill) => Promise<T>): Promise<T> {
    if (this.running === 0) {
      this.home = tf.getBackend();
      configureWasmPaths();
      const started = await tf.setBackend('wasm').catch(() => false);
      if (!started) {
        await tf.setBackend(this.home); // a failed switch leaves the engine without an active backend
        throw new SrlError(
          'runtime',
          `generationBackend wasm: the 'wasm' backend failed to initialise (the training backend ${this.home} is still active); expected @tensorflow/tfjs-backend-wasm to start here, or use generationBackend: same`,
        );
      }
    }
    this.running++;
    try {
      const min = this.options.sourcePrefillMinPositions ?? SOURCE_PREFILL_MIN_POSITIONS;
      return await fn(this.current(), (input) =>
        this.running === 1 && input.batch * input.length >= min ? this.prefillOnSource(input) : Promise.resolve(null),
      );
    } finally {
      this.running--;
      if (this.running === 0) await tf.setBackend(this.home);
    }
  }

  /**
   * The prefill on the source model with its backend active (see SOURCE_PREFILL_MIN_POSITIONS for when that pays),
   * then the logits and every layer's keys and values written onto wasm (1.2 MB for 4 quickstart prompts of 600
   * tokens). The source's tensors are read (copied: a backend may hand out its own storage) only while their backend
   * is active, then disposed. Leaves wasm active, also when the forward throws.
   */
  private async prefillOnSource(input: PrefillInput): Promise<PrefillResult> {
    const { ids, batch, length, outputRows } = input;
    await tf.setBackend(this.home);
    let read: { logits: Float32Array; kv: { keys: Float32Array; values: Float32Array; shape: [number, number, number, number] }[] };
    try {
      const out = tf.tidy(() => this.source.forward({ ids, batch, length }, { mode: 'prefill', outputRows }));
      try {
        read = {
          logits: Float32Array.from(out.logits.dataSync() as Float32Array),
          kv: out.kv.map((l) => ({
            keys: Float32Array.from(l.keys.dataSync() as Float32Array),
            values: Float32Array.from(l.values.dataSync() as Float32Array),
            shape: l.keys.shape,
          })),
        };
      } finally {
        tf.dispose(out);
      }
    } finally {
      await tf.setBackend('wasm');
    }
    return { logits: read.logits, kv: read.kv.map((l) => ({ keys: tf.tensor4d(l.keys, l.shape), values: tf.tensor4d(l.values, l.shape) })) };
  }

  /** The copy, created (on the first call) or refreshed from the source when stale; wasm must be active. */
  private current(): Transformer {
    if (this.copy !== null && !this.stale) return this.copy;
    const start = performance.now();
    if (this.copy === null) {
      const kernels = wasmKernels();
      if ('unavailable' in kernels) throw new SrlError('runtime', `generationBackend wasm: ${kernels.unavailable}; use generationBackend: same`);
      this.copy = Transformer.fromHuggingFace(this.source.config, this.source.toHuggingFace(), kernels);
    } else {
      const targets = this.copy.variables;
      for (const [name, v] of this.source.variables) {
        const target = targets.get(name) as tf.Variable;
        const data = v.dataSync() as Float32Array; // a copy out of the source backend; the source tensor stays there
        if (!this.copy.kernels.writeVariableInPlace(target, data)) {
          const t = tf.tensor(data, target.shape);
          target.assign(t);
          t.dispose();
        }
      }
    }
    this.stale = false;
    this.lastHandoverMs = performance.now() - start;
    return this.copy;
  }

  dispose(): void {
    this.copy?.dispose();
    this.copy = null;
  }
}
