/**
 * Decoding steps on the tfjs wasm backend's heap without tfjs ops between the blocks (a `Decoder` of
 * transformer-kernels.ts): the model's one forward pass (model/transformer.ts) runs on `HeapMatrix` values from a
 * per-step arena (heap-arena.ts), products on what SrlDense runs (srl's SIMD product where it has fused
 * multiply-adds, else XNNPACK through the raw export behind tfjs's own _FusedMatMul binding), the sigmoid on tfjs's Sigmoid export, everything else on the arithmetic the tfjs kernels of
 * wasm-decode-kernels.ts run (decode-math.ts, simd-row-kernels.ts). The same kernels in the same order as the tfjs
 * path, so the same floats; what goes is tfjs's per-op cost (engine bookkeeping, a tensor and a tidy entry per
 * output, ~50 ops per step: ~35% of a small model's step).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights, Linear, Norm, ResolvedWeights } from '../../model/resolve-weights';
import type { TransformerConfig } from '../../model/transformer-config';
import type { BlockOps, DecodeAttentionInput, Decoder } from '../transformer-kernels';
import { attendCached, attendScratch, normRows, placeQkv, placeScratch } from './decode-math';
import { HeapArena, type HeapMatrix } from './heap-arena';
import { simdAttention } from './simd-attention';
import { simdPlaceQkv } from './simd-place-qkv';
import { simdRowKernels, type SimdRowKernels } from './simd-row-kernels';
import { GELU_K } from './wasm-decode-kernels';
import { heapIndex, type WasmInternals } from './wasm-internals';
import { GEMM_PACK_B_MIN_ROWS } from './simd-gemm';
import { denseOnHeap, denseOnSimdProduct, packDense, packedDenseBytes } from './wasm-xnn-kernels';

/** The most bytes of packed weights a decoder keeps (the heap never shrinks): beyond it, products pack per call. */
const MAX_PACKED_BYTES = 256 * 1024 * 1024;

/** The backend's raw exports used here (tfjs-backend-wasm 4.22): _FusedMatMul's and Sigmoid's C functions. */
interface RawExports {
  __FusedMatMul(...args: number[]): void;
  _Sigmoid(xId: number, outId: number): void;
}

export class HeapDecoder implements Decoder<HeapMatrix>, BlockOps<HeapMatrix> {
  readonly blocks: BlockOps<HeapMatrix> = this;
  private readonly arena: HeapArena;
  /** Two int32[3] product shapes (24 bytes of heap). */
  private readonly shapes: number;
  private view: Int32Array | null = null;
  /**
   * The linear layers' weights packed into the SIMD product's panels, for the `weights` of the steps since the
   * last change of them (generate passes one `weights` for a whole call): a decoding step of 16 rows or more then
   * reads them as they are instead of packing each weight again (gpt2-bench: its products 33.5 -> 26 ms per call), with the same bits.
   * Another `weights` object drops them. Weights changed in place under the same object (a train step between two
   * steps of one cache) are not seen, as the cache's keys and values would not be either.
   */
  private readonly packed = new Map<tf.Tensor, number>();
  private packedFor: ResolvedWeights | null = null;
  private pointers: number[] = [];
  private packedBytes = 0;

  private constructor(
    private readonly be: WasmInternals,
    private readonly raw: RawExports,
    private readonly simd: SimdRowKernels,
    private readonly c: TransformerConfig,
  ) {
    this.arena = new HeapArena(be);
    this.shapes = be.wasm._malloc(24);
  }

  /**
   * A decoder for a model of `config`, or null where it cannot run: no SIMD, the raw exports missing (another
   * tfjs version), or widths that are not multiples of 4 (the SIMD routines work in whole vectors).
   */
  static create(be: WasmInternals, config: TransformerConfig): HeapDecoder | null {
    const memory = be.wasm.asm?.memory;
    const simd = simdRowKernels(memory);
    const raw = be.wasm as unknown as Partial<RawExports>;
    const D = config.hiddenSize / config.numHeads;
    const widths = [config.hiddenSize, config.intermediateSize, D];
    if (
      simd === null ||
      simdAttention(memory) === null ||
      simdPlaceQkv(memory) === null ||
      typeof raw.__FusedMatMul !== 'function' ||
      typeof raw._Sigmoid !== 'function'
    )
      return null;
    if (!widths.every((w) => w > 0 && w % 4 === 0)) return null;
    return new HeapDecoder(be, raw as RawExports, simd, config);
  }

  begin(weights: ResolvedWeights): void {
    if (weights !== this.packedFor) {
      this.freePacked();
      this.packedFor = weights;
    }
    this.arena.reset();
  }

  read(x: HeapMatrix): Float32Array {
    return this.be.wasm.HEAPF32.slice(x.at, x.at + x.rows * x.cols);
  }

  dispose(): void {
    this.freePacked();
    this.arena.dispose();
    this.be.wasm._free(this.shapes);
  }

  embed(W: ResolvedWeights, ids: Int32Array, positions: Int32Array): HeapMatrix {
    const C = this.c.hiddenSize;
    const V = this.c.vocabSize;
    for (const t of ids) if (!(t >= 0 && t < V)) throw new RangeError(`embed: token id ${t} is outside [0, ${V})`);
    const out = this.arena.alloc(ids.length, C);
    const heap = this.be.wasm.HEAPF32;
    const e = heapIndex(this.be, W.embed);
    for (let i = 0; i < ids.length; i++) {
      const o = out.at + i * C;
      if (W.embedLayout === 'columns') for (let c = 0, src = e + ids[i]; c < C; c++, src += V) heap[o + c] = heap[src];
      else heap.copyWithin(o, e + ids[i] * C, e + ids[i] * C + C);
    }
    if (W.positions !== undefined) {
      const p = heapIndex(this.be, W.positions);
      for (let i = 0; i < ids.length; i++) {
        const o = out.at + i * C;
        const from = p + positions[i] * C;
        for (let c = 0; c < C; c++) heap[o + c] += heap[from + c];
      }
    }
    return out;
  }

  addNorm(x: HeapMatrix, n: Norm, residual?: HeapMatrix): [HeapMatrix, HeapMatrix] {
    const sum = residual === undefined ? null : this.arena.alloc(x.rows, x.cols);
    const out = this.arena.alloc(x.rows, x.cols);
    normRows(this.be, this.c.norm, this.c.normEps, x.rows, x.cols, {
      x: x.at,
      w: heapIndex(this.be, n.w),
      b: n.b === undefined ? -1 : heapIndex(this.be, n.b),
      residual: residual === undefined ? -1 : residual.at,
      sum: sum === null ? -1 : sum.at,
      out: out.at,
    });
    return [sum ?? x, out];
  }

  /**
   * x @ w (+ b): on the SIMD product where it has fused multiply-adds, else on XNNPACK (its operator for w, with w
   * packed, is cached by w's tensor id).
   */
  linear(x: HeapMatrix, l: Linear): HeapMatrix {
    const [K, N] = l.w.shape;
    if (x.cols !== K) throw new Error(`linear: [${x.rows}, ${x.cols}] @ [${K}, ${N}]`);
    const out = this.arena.alloc(x.rows, N);
    if (denseOnSimdProduct(this.be, N)) {
      // The SIMD product with fused multiply-adds, as SrlDense runs it (wasm-xnn-kernels.ts): the same bits.
      const packed = x.rows >= GEMM_PACK_B_MIN_ROWS ? this.packedOf(l.w) : -1;
      denseOnHeap(this.be, x.at, x.rows, K, N, heapIndex(this.be, l.w), l.b === undefined ? -1 : heapIndex(this.be, l.b), out.at, packed);
      return out;
    }
    const shapes = this.shapeView();
    shapes[1] = x.rows;
    shapes[2] = shapes[4] = K;
    shapes[5] = N;
    const a = this.arena.id(x);
    const o = this.arena.id(out);
    // activation 0 = linear; no prelu weights (0), leakyrelu alpha 0.
    this.raw.__FusedMatMul(a, this.shapes, 3, this.tensorId(l.w), this.shapes + 12, 3, 0, 0, 0, l.b === undefined ? 0 : this.tensorId(l.b), 0, 0, o);
    return out;
  }

  /** GELU as u * sigmoid(geluArg(u)), SwiGLU as (gate * sigmoid(gate)) * up: what WasmInferenceOps computes. */
  mlp(h: HeapMatrix, layer: LayerWeights): HeapMatrix {
    const [a, b, d] = layer.mlp;
    const u = this.linear(h, a);
    const bytes = u.rows * u.cols * 4;
    const prod = this.arena.alloc(u.rows, u.cols);
    if (this.c.mlp === 'gelu') {
      const arg = this.arena.alloc(u.rows, u.cols);
      this.simd.geluArg(u.at * 4, arg.at * 4, bytes, GELU_K, 0.044715);
      const s = this.sigmoid(arg);
      this.simd.mul2(u.at * 4, s.at * 4, prod.at * 4, bytes);
      return this.linear(prod, b);
    }
    const s = this.sigmoid(u);
    const up = this.linear(h, b);
    this.simd.mul3(u.at * 4, s.at * 4, up.at * 4, prod.at * 4, bytes);
    return this.linear(prod, d);
  }

  rows(h: HeapMatrix, rows: Int32Array): HeapMatrix {
    for (const r of rows) if (!(r >= 0 && r < h.rows)) throw new RangeError(`rows: row ${r} is outside [0, ${h.rows})`);
    const out = this.arena.alloc(rows.length, h.cols);
    const heap = this.be.wasm.HEAPF32;
    rows.forEach((r, i) => heap.copyWithin(out.at + i * h.cols, h.at + r * h.cols, h.at + (r + 1) * h.cols));
    return out;
  }

  /**
   * RoPE, the scale and the cache write (placeQkv), then attention over each row's written positions
   * (attendCached). The cache tensors are written in place without forgetting XNNPACK's packed copies: a KV
   * cache is never a product's right operand (only those are packed).
   */
  attend(input: DecodeAttentionInput<HeapMatrix>): HeapMatrix {
    const { qkv, keys, values, positions, heads, rope } = input;
    const { H, Hkv, D } = heads;
    const R = qkv.rows;
    const L = keys.shape[1];
    if (qkv.cols !== (H + 2 * Hkv) * D || positions.length !== R || keys.shape[0] !== R * Hkv)
      throw new Error(`decode attention: qkv [${R}, ${qkv.cols}], ${positions.length} positions, cache [${keys.shape.join(', ')}]`);
    const q = this.arena.alloc(R * Hkv, (H / Hkv) * D);
    const k = heapIndex(this.be, keys);
    const v = heapIndex(this.be, values);
    const placement = { H, Hkv, D, positions, scale: 1 / Math.sqrt(D), qCos: rope?.qCos, qSin: rope?.qSin, kCos: rope?.kCos, kSin: rope?.kSin };
    placeQkv(this.be, placement, R, L, qkv.at, q.at, k, v, this.arena.alloc(1, placeScratch(R, D)).at);
    const out = this.arena.alloc(R, H * D);
    const scratch = this.arena.alloc(1, attendScratch(R, L));
    attendCached(this.be, R, Hkv, H / Hkv, D, L, positions, { q: q.at, k, v, out: out.at, scratch: scratch.at });
    return out;
  }

  /** The product shapes' int32[6] on the heap, [1, M, K, 1, K, N] (a view made again when the heap grows). */
  private shapeView(): Int32Array {
    const buffer = this.be.wasm.HEAPF32.buffer;
    if (this.view === null || this.view.buffer !== buffer) {
      this.view = new Int32Array(buffer, this.shapes, 6);
      this.view[0] = this.view[3] = 1;
    }
    return this.view;
  }

  /**
   * w packed for the SIMD product (a byte address), packed on its first use in this decoder's `weights`; -1 once
   * the packed copies would pass MAX_PACKED_BYTES (the product then packs w on every call, as before).
   */
  private packedOf(w: tf.Tensor2D): number {
    let at = this.packed.get(w);
    if (at === undefined) {
      const [K, N] = w.shape;
      const bytes = packedDenseBytes(K, N);
      if (this.packedBytes + bytes > MAX_PACKED_BYTES) return -1;
      const pointer = this.be.wasm._malloc(bytes + 16);
      this.pointers.push(pointer);
      this.packedBytes += bytes;
      at = (pointer + 15) & ~15;
      packDense(this.be, heapIndex(this.be, w), at, K, N);
      this.packed.set(w, at);
    }
    return at;
  }

  private freePacked(): void {
    for (const pointer of this.pointers) this.be.wasm._free(pointer);
    this.pointers = [];
    this.packed.clear();
    this.packedBytes = 0;
    this.packedFor = null;
  }

  private sigmoid(x: HeapMatrix): HeapMatrix {
    const out = this.arena.alloc(x.rows, x.cols);
    this.raw._Sigmoid(this.arena.id(x), this.arena.id(out));
    return out;
  }

  private tensorId(t: tf.Tensor): number {
    const data = this.be.dataIdMap.get(t.dataId);
    if (data === undefined) throw new Error('decoder: a weight is not on the wasm backend');
    return data.id;
  }
}
