import * as tf from '@tensorflow/tfjs-core';
import { SrlError } from '@srl/core';
import { referenceKernels } from '../kernels/reference-kernels';
import type { TransformerKernels } from '../kernels/transformer-kernels';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (Loshchilov & Hutter), applied as p *= 1 - lr * weightDecay. Default 0. */
  weightDecay?: number;
  /** Which parameters decay; default: matrices (rank >= 2), not norms or biases (nanoGPT's grouping). */
  decays?: (name: string, variable: tf.Variable) => boolean;
  /** The model's kernel set: the wasm set updates in place (default: the reference set, tf ops). */
  kernels?: TransformerKernels;
  /**
   * 'flat': the moments live in one vector and each step updates every parameter in one pass of tf ops over
   * their concatenation (~30 kernel calls a step instead of ~14 per parameter, for a backend where every kernel
   * call costs: the kernel set's `optimizerLayout`); same numbers as 'per-parameter'. Default: the kernel set's.
   */
  layout?: 'flat' | 'per-parameter';
}

/** Moments and step count, in plain arrays (for checkpoints). */
export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

/**
 * AdamW as in PyTorch's torch.optim.AdamW (bias-corrected moments, eps added after the bias-corrected sqrt,
 * decoupled decay before the update). With the wasm kernels the update runs in place, one SIMD pass per
 * parameter, when no other tensor shares the parameter's or the moments' buffers; otherwise with tf ops. Owns its moment variables;
 * call dispose().
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly params: Map<string, tf.Variable>;
  private readonly decaying: Set<string>;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;
  private readonly kernels: TransformerKernels;
  /** The 'flat' layout: moments of every parameter, concatenated in `params` order. */
  private readonly flat: { m: tf.Variable; v: tf.Variable; offsets: number[] } | null = null;

  constructor(params: Map<string, tf.Variable>, options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    for (const [k, v] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(v >= 0 && v < 1)) throw new SrlError('validation', `AdamW ${k} = ${v}, expected a number in [0, 1)`);
    }
    if (!(this.eps > 0)) throw new SrlError('validation', `AdamW eps = ${this.eps}, expected > 0`);
    if (!(this.weightDecay >= 0)) throw new SrlError('validation', `AdamW weightDecay = ${this.weightDecay}, expected >= 0`);
    this.params = params;
    this.kernels = options.kernels ?? referenceKernels;
    const decays = options.decays ?? ((_name: string, p: tf.Variable) => p.rank >= 2);
    this.decaying = new Set([...params].filter(([name, p]) => decays(name, p)).map(([name]) => name));
    if ((options.layout ?? this.kernels.optimizerLayout) === 'flat') {
      const offsets = [0];
      for (const p of params.values()) offsets.push(offsets[offsets.length - 1] + p.size);
      const total = offsets[offsets.length - 1];
      const moment = (): tf.Variable => {
        const zeros = tf.zeros([total]);
        const variable = tf.variable(zeros, false);
        zeros.dispose(); // the variable holds its own reference to the buffer
        return variable;
      };
      this.flat = { m: moment(), v: moment(), offsets };
      return;
    }
    for (const [name, p] of params) {
      for (const moments of [this.m, this.v]) {
        const zeros = tf.zerosLike(p);
        moments.set(name, tf.variable(zeros, false));
        zeros.dispose(); // the variable holds its own reference to the buffer
      }
    }
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /** One update with learning rate `lr`; `grads` (by parameter name) stay owned by the caller. */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    if (!(lr >= 0 && Number.isFinite(lr))) throw new SrlError('validation', `learning rate ${lr}, expected a finite number >= 0`);
    // Every check before the counter moves: a refused step leaves the optimizer exactly as it was.
    for (const name of grads.keys())
      if (!this.params.has(name)) throw new SrlError('validation', `AdamW.step: a gradient for ${name}, which is not one of the model's parameters`);
    if (this.flat !== null) {
      const missing = [...this.params.keys()].filter((n) => !grads.has(n));
      if (missing.length > 0)
        throw new SrlError(
          'validation',
          `AdamW (flat layout) needs a gradient for every parameter; none for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ''}`,
        );
    }
    this.t += 1;
    const { beta1: b1, beta2: b2, eps } = this;
    const stepSize = lr / (1 - b1 ** this.t);
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    if (this.flat !== null) {
      this.flatStep(grads, lr, stepSize, sqrtBc2);
      return;
    }
    for (const [name, g] of grads) {
      const p = this.params.get(name) as tf.Variable;
      const m = this.m.get(name) as tf.Variable;
      const v = this.v.get(name) as tf.Variable;
      const decay = this.decaying.has(name) && this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1;
      if (this.kernels.adamwInPlace({ param: p, grad: g, m, v, beta1: b1, beta2: b2, eps, stepSize, sqrtBc2, decay })) continue;
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.mul(g, g), 1 - b2));
        const denom = tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps);
        const decayed = decay !== 1 ? tf.mul(p, decay) : p;
        p.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize)));
        m.assign(m1);
        v.assign(v1);
      });
    }
  }

  /** `step` in the 'flat' layout: the per-parameter formula, elementwise on the concatenation of every parameter. */
  private flatStep(grads: ReadonlyMap<string, tf.Tensor>, lr: number, stepSize: number, sqrtBc2: number): void {
    const flat = this.flat as NonNullable<AdamW['flat']>;
    const { beta1: b1, beta2: b2, eps } = this;
    const names = [...this.params.keys()];
    const vars = names.map((n) => this.params.get(n) as tf.Variable);
    const next = tf.tidy(() => {
      const flatten = (ts: tf.Tensor[]): tf.Tensor1D => tf.concat(ts.map((t) => tf.reshape(t, [t.size]))) as tf.Tensor1D;
      const g = flatten(names.map((n) => grads.get(n) as tf.Tensor));
      // Decoupled decay on the decaying parameters, as the per-parameter update multiplies them.
      const decay = 1 - lr * this.weightDecay;
      const decayed = flatten(vars.map((v, i) => (decay !== 1 && this.decaying.has(names[i]) ? tf.mul(v, decay) : v)));
      const m1 = tf.add(tf.mul(flat.m, b1), tf.mul(g, 1 - b1));
      const v1 = tf.add(tf.mul(flat.v, b2), tf.mul(tf.mul(g, g), 1 - b2));
      const denom = tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps);
      const p1 = tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize));
      const sizes = vars.map((v) => v.size);
      return { m1, v1, parts: tf.split(p1, sizes).map((t, i) => tf.reshape(t, vars[i].shape)) };
    });
    vars.forEach((v, i) => v.assign(next.parts[i]));
    flat.m.assign(next.m1);
    flat.v.assign(next.v1);
    tf.dispose([next.m1, next.v1, ...next.parts]);
  }

  state(): AdamWState {
    if (this.flat !== null) {
      const { offsets } = this.flat;
      const read = (t: tf.Variable): Map<string, Float32Array> => {
        const all = t.dataSync() as Float32Array;
        return new Map([...this.params.keys()].map((name, i) => [name, all.slice(offsets[i], offsets[i + 1])]));
      };
      return { step: this.t, m: read(this.flat.m), v: read(this.flat.v) };
    }
    const read = (vars: Map<string, tf.Variable>): Map<string, Float32Array> =>
      new Map([...vars].map(([k, t]) => [k, Float32Array.from(t.dataSync() as Float32Array)]));
    return { step: this.t, m: read(this.m), v: read(this.v) };
  }

  /** Restores `state()`; throws SrlError('validation') when names or sizes do not match the parameters. */
  setState(state: AdamWState): void {
    const problems: string[] = [];
    if (!(Number.isInteger(state.step) && state.step >= 0)) problems.push(`step ${state.step}, expected an integer >= 0`);
    for (const [name, p] of this.params) {
      for (const [kind, map] of [
        ['m', state.m],
        ['v', state.v],
      ] as const) {
        const a = map.get(name);
        if (a === undefined) problems.push(`${kind} of ${name} is missing`);
        else if (a.length !== p.size) problems.push(`${kind} of ${name} has ${a.length} values, expected ${p.size}`);
      }
    }
    for (const name of state.m.keys()) if (!this.params.has(name)) problems.push(`state for unknown parameter ${name}`);
    if (problems.length > 0)
      throw new SrlError('validation', `optimizer state does not match the model: ${problems.slice(0, 5).join('; ')}`, { details: problems });
    this.t = state.step;
    if (this.flat !== null) {
      const { offsets } = this.flat;
      const names = [...this.params.keys()];
      for (const [kind, map] of [
        ['m', state.m],
        ['v', state.v],
      ] as const) {
        const all = new Float32Array(offsets[offsets.length - 1]);
        names.forEach((name, i) => all.set(map.get(name) as Float32Array, offsets[i]));
        tf.tidy(() => (this.flat as NonNullable<AdamW['flat']>)[kind].assign(tf.tensor1d(all)));
      }
      return;
    }
    for (const [name, p] of this.params) {
      tf.tidy(() => {
        (this.m.get(name) as tf.Variable).assign(tf.tensor(state.m.get(name) as Float32Array, p.shape));
        (this.v.get(name) as tf.Variable).assign(tf.tensor(state.v.get(name) as Float32Array, p.shape));
      });
    }
  }

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
    if (this.flat !== null) tf.dispose([this.flat.m, this.flat.v]);
  }
}
