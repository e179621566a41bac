import * as tf from '@tensorflow/tfjs-core';
import { forgetPackedWeights, heapIndex, wasmInternals } from '../backend/wasm-internals';
import { gatherRows } from './ops/embedding';

/** How `write` updates the cache: in place on the wasm heap or the cpu backend's arrays, else a new tensor. */
type WriteMode = 'wasm' | 'cpu' | 'functional';

interface CpuInternals {
  data: { get(dataId: tf.DataId): { values?: unknown } | undefined };
}

/**
 * Keys and values of every layer for R rows (samples) and L positions, as [R*Hkv, L, D] per layer, where row r
 * holds its own sequence from position 0 (rows may differ in length; decoding masks what a row has not written).
 * Writes are in place on wasm and cpu (no copy of the cache per token), so the cache tensors must never be
 * shared: they are created here and disposed by `dispose()`.
 */
export class KvCache {
  readonly rows: number;
  readonly capacity: number;
  readonly kvHeads: number;
  readonly headDim: number;
  private readonly keys: tf.Tensor3D[];
  private readonly values: tf.Tensor3D[];
  private readonly mode: WriteMode;

  private constructor(keys: tf.Tensor3D[], values: tf.Tensor3D[], rows: number, kvHeads: number, mode: WriteMode = writeMode()) {
    this.keys = keys;
    this.values = values;
    this.rows = rows;
    this.kvHeads = kvHeads;
    this.capacity = keys[0].shape[1];
    this.headDim = keys[0].shape[2];
    this.mode = mode;
  }

  /**
   * A cache of `capacity` positions whose row r starts with prompt `rowPrompt[r]`'s keys and values, taken from a
   * prefill over the prompts ([P, Hkv, T, D] per layer; positions past a prompt's length hold padding, which
   * decoding masks and then overwrites). The prefill tensors stay owned by the caller.
   */
  static fromPrefill(layers: { keys: tf.Tensor4D; values: tf.Tensor4D }[], rowPrompt: Int32Array, capacity: number, options: { functional?: boolean } = {}): KvCache {
    const [P, Hkv, T, D] = layers[0].keys.shape;
    if (capacity < T) throw new Error(`KvCache: capacity ${capacity} is below the prefill length ${T}`);
    for (const p of rowPrompt) if (!(p >= 0 && p < P)) throw new RangeError(`KvCache: prompt index ${p} is outside [0, ${P})`);
    const expand = (t: tf.Tensor4D): tf.Tensor3D =>
      tf.tidy(() => {
        const rows = gatherRows(tf.reshape(t, [P, Hkv * T * D]), rowPrompt);
        // Every other tensor on this buffer is an intermediate that tidy disposes: the cache owns it alone.
        return tf.pad(tf.reshape(rows, [rowPrompt.length * Hkv, T, D]), [[0, 0], [0, capacity - T], [0, 0]]) as tf.Tensor3D;
      });
    const keys = layers.map((l) => tf.keep(expand(l.keys)));
    const values = layers.map((l) => tf.keep(expand(l.values)));
    // `functional`: new tensors per write, as on backends without an in-place path (tests use it on cpu).
    return new KvCache(keys, values, rowPrompt.length, Hkv, options.functional === true ? 'functional' : writeMode());
  }

  /** True when writes happen in place on the wasm heap (what the fused decoding kernel also does). */
  get inPlace(): boolean {
    return this.mode === 'wasm';
  }

  /**
   * A new cache holding only `rows` (indices of this cache's rows, in the order given), e.g. to drop finished
   * samples. This cache is left as it was; the caller disposes both.
   */
  selectRows(rows: Int32Array): KvCache {
    const { kvHeads: Hkv, capacity: L, headDim: D } = this;
    for (const r of rows) if (!(r >= 0 && r < this.rows)) throw new RangeError(`KvCache.selectRows: row ${r} is outside [0, ${this.rows})`);
    const pick = (t: tf.Tensor3D): tf.Tensor3D =>
      tf.keep(tf.tidy(() => tf.reshape(gatherRows(tf.reshape(t, [this.rows, Hkv * L * D]), rows), [rows.length * Hkv, L, D]) as tf.Tensor3D));
    return new KvCache(this.keys.map(pick), this.values.map(pick), rows.length, Hkv, this.mode);
  }

  /** Layer `i`'s keys and values [R*Hkv, L, D]; owned by the cache (valid until the next write or dispose). */
  layer(i: number): { keys: tf.Tensor3D; values: tf.Tensor3D } {
    return { keys: this.keys[i], values: this.values[i] };
  }

  /** Stores one new key and value per row, k and v [R, Hkv*D], at position `positions[r]` of row r. */
  write(layer: number, k: tf.Tensor2D, v: tf.Tensor2D, positions: Int32Array): void {
    if (positions.length !== this.rows) throw new Error(`KvCache.write: ${positions.length} positions for ${this.rows} rows`);
    for (const p of positions) if (!(p >= 0 && p < this.capacity)) throw new RangeError(`KvCache.write: position ${p} is outside [0, ${this.capacity})`);
    this.keys[layer] = this.writeOne(this.keys[layer], k, positions);
    this.values[layer] = this.writeOne(this.values[layer], v, positions);
  }

  private writeOne(cache: tf.Tensor3D, src: tf.Tensor2D, positions: Int32Array): tf.Tensor3D {
    const { kvHeads: Hkv, headDim: D, capacity: L } = this;
    if (this.mode === 'wasm') {
      const be = wasmInternals(tf.backend());
      if (be !== null) {
        const heap = be.wasm.HEAPF32;
        const s = heapIndex(be, src);
        const c = heapIndex(be, cache);
        for (let r = 0; r < this.rows; r++) {
          for (let h = 0; h < Hkv; h++) {
            const from = s + (r * Hkv + h) * D;
            heap.copyWithin(c + ((r * Hkv + h) * L + positions[r]) * D, from, from + D);
          }
        }
        forgetPackedWeights(be, cache);
        return cache;
      }
    }
    if (this.mode === 'cpu') {
      const values = (tf.backend() as unknown as CpuInternals).data.get(cache.dataId)?.values;
      if (values instanceof Float32Array) {
        const s = src.dataSync();
        for (let r = 0; r < this.rows; r++) {
          for (let h = 0; h < Hkv; h++) values.set(s.subarray((r * Hkv + h) * D, (r * Hkv + h + 1) * D), ((r * Hkv + h) * L + positions[r]) * D);
        }
        return cache;
      }
    }
    const next = tf.tidy(() => {
      const onehot = new Float32Array(this.rows * Hkv * L);
      for (let r = 0; r < this.rows; r++) for (let h = 0; h < Hkv; h++) onehot[(r * Hkv + h) * L + positions[r]] = 1;
      const m = tf.tensor3d(onehot, [this.rows * Hkv, L, 1]);
      const fresh = tf.reshape(src, [this.rows * Hkv, 1, D]);
      return tf.keep(tf.add(cache, tf.mul(m, tf.sub(fresh, cache)))) as tf.Tensor3D;
    });
    cache.dispose();
    return next;
  }

  dispose(): void {
    tf.dispose([...this.keys, ...this.values]);
  }
}

function writeMode(): WriteMode {
  const name = tf.getBackend();
  if (name === 'wasm' && wasmInternals() !== null) return 'wasm';
  if (name === 'cpu' && typeof (tf.backend() as unknown as Partial<CpuInternals>).data?.get === 'function') return 'cpu';
  return 'functional';
}
