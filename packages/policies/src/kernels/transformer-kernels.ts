/**
 * The one interface between the transformer (model/transformer.ts, which defines the forward pass once) and the
 * code that runs it fast on a given backend. A kernel set is chosen when the model is created
 * (select-kernels.ts): `referenceKernels` (pure tfjs-core ops, every backend) or `wasmKernels` (the wasm
 * backend's heap and XNNPACK bindings; the only code in this package that touches tfjs internals).
 * Every method returns tensors the caller owns (call inside tf.tidy) unless it says otherwise.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights, Linear, Norm, ResolvedWeights } from '../model/resolve-weights';
import type { TransformerConfig } from '../model/transformer-config';

export type KernelSetName = 'reference' | 'wasm' | 'tensorflow';

/** Shapes of a fused q/k/v projection: batch, length, query heads, KV heads, head size. */
export interface HeadDims {
  B: number;
  T: number;
  H: number;
  Hkv: number;
  D: number;
}

/**
 * The per-layer building blocks the forward pass is written in, on activations of type A ([rows, features]
 * matrices: tensors, or a decoder's own buffers). `addNorm` is the residual connection and the norm that follows
 * it: [x + residual, norm(x + residual)] ([x, norm(x)] without a residual), so a backend may fuse the two.
 */
export interface BlockOps<A = tf.Tensor2D> {
  /** Token (+ learned position) embeddings [N, C]. */
  embed(W: ResolvedWeights, ids: Int32Array, positions: Int32Array): A;
  addNorm(x: A, n: Norm, residual?: A): [A, A];
  /** x @ w (+ b). */
  linear(x: A, l: Linear): A;
  /** GELU or SwiGLU MLP of the normed rows [N, C] -> [N, C]. */
  mlp(h: A, layer: LayerWeights): A;
  /** Rows `rows` of h (which rows go on to the output layer). */
  rows(h: A, rows: Int32Array): A;
}

/**
 * Decoding steps outside tfjs: the same blocks on the backend's own memory, no tensor (and no tfjs dispatch)
 * between them, the logits copied out. One per KV cache (`KvCache.attachment`): it holds the steps' workspace and
 * is disposed with the cache.
 */
export interface Decoder<A = unknown> {
  readonly blocks: BlockOps<A>;
  /** Starts a step with `weights` (the same object for every step of a generate call): the previous step's values are released. */
  begin(weights: ResolvedWeights): void;
  /** `decodeAttention` on this decoder's values. */
  attend(input: DecodeAttentionInput<A>): A;
  /** The floats of x [rows, cols], row-major (a copy). */
  read(x: A): Float32Array;
  dispose(): void;
}

/** One decoding step's attention inputs for one layer (see `TransformerKernels.decodeAttention`). */
export interface DecodeAttentionInput<A = tf.Tensor2D> {
  /** The fused projection of the new tokens [R, (H + 2*Hkv) * D], before RoPE and scaling. */
  qkv: A;
  /** The layer's cache [R*Hkv, L, D], written in place at `positions`. */
  keys: tf.Tensor3D;
  values: tf.Tensor3D;
  positions: Int32Array;
  heads: { H: number; Hkv: number; D: number };
  /** RoPE tables of this step (q's 1/sqrt(D) folded in), null without RoPE. */
  rope: { qCos: Float32Array; qSin: Float32Array; kCos: Float32Array; kSin: Float32Array } | null;
}

/** One AdamW update of one parameter, in place (see training/adamw.ts for the formula). */
export interface AdamWUpdate {
  param: tf.Variable;
  grad: tf.Tensor;
  m: tf.Variable;
  v: tf.Variable;
  beta1: number;
  beta2: number;
  eps: number;
  stepSize: number;
  sqrtBc2: number;
  decay: number;
}

export interface TransformerKernels {
  readonly name: KernelSetName;
  /** The tfjs backend the set runs on; null: any. */
  readonly backend: string | null;

  // Primitives of the differentiable ops (model/ops/); each is differentiable unless it says otherwise.
  /** a @ b for rank-2 or rank-3 operands, either transposed (`transposeA`, `transposeB`). */
  matMul<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T, transposeA?: boolean, transposeB?: boolean): T;
  /** x [N, K] @ w [K, M] (+ b [M]); not differentiable (model/ops/linear.ts gives it a gradient). */
  dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D;
  /** Swaps the last two axes of a rank-2 or rank-3 tensor. */
  transposeLast<T extends tf.Tensor2D | tf.Tensor3D>(x: T): T;
  /** a [n, M, K] @ b [n, K, N] -> [n, M, N]. */
  batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D;
  /** Column sums of x [N, C] -> [C]; not differentiable. */
  columnSum(x: tf.Tensor2D): tf.Tensor1D;
  /** Rows of a [V, C] table -> [rows.length, C]; not differentiable. */
  gatherRows(table: tf.Tensor2D, rows: Int32Array): tf.Tensor2D;
  /**
   * The gradient of `gatherRows`: rows of dy [rows.length, C] summed into a [V, C] table at `rows`, in row order;
   * not differentiable. null: model/ops/embedding.ts sums them on the CPU.
   */
  readonly scatterAddRows: ((dy: tf.Tensor2D, rows: Int32Array, V: number) => tf.Tensor2D) | null;
  /** Columns of a [C, V] table, as rows -> [columns.length, C]; not differentiable. */
  gatherColumns(table: tf.Tensor2D, columns: Int32Array): tf.Tensor2D;
  /** qkv [B*T, (H + 2*Hkv) * D] -> q [B*Hkv, G*T, D], kT [B*Hkv, D, T], v [B*Hkv, T, D] (model/attention.ts). */
  splitQkv(qkv: tf.Tensor2D, d: HeadDims): { q: tf.Tensor3D; kT: tf.Tensor3D; v: tf.Tensor3D };
  /** Attention output o [B*H, T, D] -> rows [B*T, H*D]. */
  mergeHeads(o: tf.Tensor3D, d: HeadDims): tf.Tensor2D;
  /** GPT-2's tanh GELU of x (model/ops/gelu.ts is the reference); differentiable. */
  gelu(x: tf.Tensor2D): tf.Tensor2D;
  /**
   * softmax(scores + mask) over the last axis, scores [n, R, S]; the mask a constant, [R, S] shared by all n, or
   * [B, R, S] with n = B * h (batch row b's mask shared by its h heads). Differentiable in scores.
   */
  maskedSoftmax(scores: tf.Tensor3D, mask: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D;
  /**
   * softmax(q kT + mask) v for q [n, R, D], kT [n, D, S], v [n, S, Dv] -> [n, R, Dv]; the mask a constant, [R, S]
   * shared by all n, or [B, R, S] with n = B * h (batch row b's mask shared by its h heads). Differentiable in q,
   * kT and v. The reference composes batchMatMul and maskedSoftmax (`composedAttention`).
   */
  maskedAttention(q: tf.Tensor3D, kT: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D;
  /** LayerNorm (`kind` 'layernorm', bias `b`) or RMSNorm of the rows of x [N, C] (model/ops/norms.ts); differentiable. */
  norm(x: tf.Tensor2D, kind: 'layernorm' | 'rmsnorm', w: tf.Tensor1D, b: tf.Tensor1D | undefined, eps: number): tf.Tensor2D;

  // Passes that are never differentiated (scoring, prefill, decoding).
  /** Fused inference blocks; null: inference runs the differentiable blocks. */
  inferenceOps(config: TransformerConfig): BlockOps | null;
  /**
   * Decoding attention that writes the cache itself (RoPE, scale, cache write, attention over written slots) ->
   * [R, H*D]; null: decoding runs the reference steps (model/transformer.ts).
   */
  readonly decodeAttention: ((input: DecodeAttentionInput) => tf.Tensor2D) | null;
  /** A decoder for one KV cache of a model of `config` (see `Decoder`); absent or null: decoding runs tfjs ops. */
  readonly decoder?: (config: TransformerConfig) => Decoder | null;
  /**
   * How AdamW lays out its moments when it uses tf ops (training/adamw.ts): 'per-parameter' (one small update per
   * parameter) or 'flat' (one update over all parameters concatenated: fewer, larger kernels). Same numbers.
   */
  readonly optimizerLayout: 'flat' | 'per-parameter';
  /**
   * Training and scoring passes pad their row lengths to a multiple of this (model/bucket-lengths.ts; same logits):
   * > 1 where kernels are prepared per shape, so that fewer shapes occur, or where they need widths that are
   * multiples of 4 (4-lane SIMD rows). 1: exact lengths.
   */
  readonly lengthBucket: number;
  /** The AdamW update in place; false: not possible here (AdamW then uses tf ops). */
  adamwInPlace(update: AdamWUpdate): boolean;
  /** Overwrites a variable's values with `data` in place (a gradient worker's weight sync); false: not possible here (assign then). */
  writeVariableInPlace(variable: tf.Variable, data: Float32Array): boolean;
}
