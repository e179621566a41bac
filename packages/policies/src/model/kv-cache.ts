import * as tf from '@tensorflow/tfjs-core';
import type { TransformerKernels } from '../kernels/transformer-kernels';

/**
 * Keys and values of every layer for R rows (samples) and L positions, as [R*Hkv, L, D] per layer, where row r
 * holds its own sequence from position 0 (rows may differ in length; decoding masks what a row has not written).
 * Writes are in place where the kernel set can (wasm: no copy of the cache per token), so the cache tensors must
 * never be shared: they are created here and disposed by `dispose()`.
 */
export class KvCache {
  readonly rows: number;
  readonly capacity: number;
  readonly kvHeads: number;
  readonly headDim: number;
  private readonly keys: tf.Tensor3D[];
  private readonly values: tf.Tensor3D[];
  /** The kernel set of the model that fills this cache (in-place writes, row gathers). */
  readonly kernels: TransformerKernels;
  private readonly attached = new Map<object, { dispose(): void } | null>();

  private constructor(keys: tf.Tensor3D[], values: tf.Tensor3D[], rows: number, kvHeads: number, kernels: TransformerKernels) {
    this.keys = keys;
    this.values = values;
    this.rows = rows;
    this.kvHeads = kvHeads;
    this.capacity = keys[0].shape[1];
    this.headDim = keys[0].shape[2];
    this.kernels = kernels;
  }

  /**
   * A cache of `capacity` positions whose row r starts with prompt `rowPrompt[r]`'s keys and values, taken from a
   * prefill over the prompts ([P, Hkv, T, D] per layer; positions past a prompt's length hold padding, which
   * decoding masks and then overwrites). The prefill tensors stay owned by the caller.
   */
  static fromPrefill(kernels: TransformerKernels, layers: { keys: tf.Tensor4D; values: tf.Tensor4D }[], rowPrompt: Int32Array, capacity: number): KvCache {
    const [P, Hkv, T, D] = layers[0].keys.shape;
    if (capacity < T) throw new Error(`KvCache: capacity ${capacity} is below the prefill length ${T}`);
    for (const p of rowPrompt) if (!(p >= 0 && p < P)) throw new RangeError(`KvCache: prompt index ${p} is outside [0, ${P})`);
    const expand = (t: tf.Tensor4D): tf.Tensor3D =>
      tf.tidy(() => {
        const rows = kernels.gatherRows(tf.reshape(t, [P, Hkv * T * D]), rowPrompt);
        // Every other tensor on this buffer is an intermediate that tidy disposes: the cache owns it alone.
        return tf.pad(tf.reshape(rows, [rowPrompt.length * Hkv, T, D]), [
          [0, 0],
          [0, capacity - T],
          [0, 0],
        ]) as tf.Tensor3D;
      });
    const keys = layers.map((l) => tf.keep(expand(l.keys)));
    const values = layers.map((l) => tf.keep(expand(l.values)));
    return new KvCache(keys, values, rowPrompt.length, Hkv, kernels);
  }

  /**
   * A new cache holding only `rows` (indices of this cache's rows, in the order given), e.g. to drop finished
   * samples. This cache is left as it was; the caller disposes both.
   */
  selectRows(rows: Int32Array): KvCache {
    const { kvHeads: Hkv, capacity: L, headDim: D } = this;
    for (const r of rows) if (!(r >= 0 && r < this.rows)) throw new RangeError(`KvCache.selectRows: row ${r} is outside [0, ${this.rows})`);
    const pick = (t: tf.Tensor3D): tf.Tensor3D =>
      tf.keep(tf.tidy(() => tf.reshape(this.kernels.gatherRows(tf.reshape(t, [this.rows, Hkv * L * D]), rows), [rows.length * Hkv, L, D]) as tf.Tensor3D));
    return new KvCache(this.keys.map(pick), this.values.map(pick), rows.length, Hkv, this.kernels);
  }

  /**
   * What a kernel set keeps per cache (the wasm decoder and its workspace): made by `make` on the first call with
   * `key`, returned by the later ones (null included), disposed with the cache.
   */
  attachment<T extends { dispose(): void }>(key: object, make: () => T | null): T | null {
    if (!this.attached.has(key)) this.attached.set(key, make());
    return this.attached.get(key) as T | null;
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
    const next = tf.tidy(() => {
      const onehot = new Float32Array(this.rows * Hkv * L);
      for (let r = 0; r < this.rows; r++) for (let h = 0; h < Hkv; h++) onehot[(r * Hkv + h) * L + positions[r]] = 1;
      const m = tf.tensor3d(onehot, [this.rows * Hkv, L, 1]);
      const fresh = tf.reshape(src, [this.rows * Hkv, 1, D]);
      // cache * (1 - m) + fresh * m: exact in float32 (each slot is x * 1 + y * 0), as an in-place write is.
      return tf.keep(tf.add(tf.mul(cache, tf.sub(1, m)), tf.mul(fresh, m))) as tf.Tensor3D;
    });
    cache.dispose();
    return next;
  }

  dispose(): void {
    for (const a of this.attached.values()) a?.dispose();
    this.attached.clear();
    tf.dispose([...this.keys, ...this.values]);
  }
}
