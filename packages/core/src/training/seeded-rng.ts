import { SrlError } from '../errors';

/** The serialisable state of a `SeededRng`: four 32-bit words of xoshiro128**. */
export interface RngState {
  algorithm: 'xoshiro128**';
  state: [number, number, number, number];
}

/**
 * The one seeded generator of srl (xoshiro128**, Blackman & Vigna), so shuffles, data cursors, sampling
 * and weight initialisation are reproducible across runs, backends and resumes: `state()` / `setState()`
 * capture and restore it exactly.
 *
 * Two resolutions, named so a stream never changes by accident: `uniform32()` (one draw; trainers' shuffles
 * and `int`) and `uniform53()` (two draws; the policy's sampler and `normal`).
 */
export class SeededRng {
  private readonly s = new Uint32Array(4);

  /**
   * Seeds from any integer, expanded with splitmix32 so nearby seeds give unrelated streams. The high word
   * of seeds outside [0, 2^32) is mixed in; for seeds in [0, 2^32) this is exactly the old core rule, so a
   * caller that wants the 32-bit rule for any number passes `seed >>> 0`.
   */
  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new SrlError('validation', `random seed ${seed} is not a finite number; expected an integer such as 0 or 42`);
    let x = Math.trunc(seed) >>> 0;
    const hi = Math.floor(Math.trunc(seed) / 2 ** 32) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x ^ hi;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** A generator whose state is `words` as given (an all-zero state, which xoshiro cannot leave, becomes [1, 0, 0, 0]). */
  static fromWords(words: readonly number[]): SeededRng {
    const rng = new SeededRng();
    rng.s.fill(0);
    rng.s.set(words.slice(0, 4));
    if (rng.s.every((v) => v === 0)) rng.s[0] = 1;
    return rng;
  }

  /** A generator restored from `state()` (or the bare four words older checkpoints hold). */
  static fromState(state: unknown): SeededRng {
    const rng = new SeededRng();
    rng.setState(state);
    return rng;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) from one 32-bit draw (32 bits of resolution). */
  uniform32(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [0, 1) from two 32-bit draws (53 random bits, every double of the grid reachable). */
  uniform53(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [0, n), from one `uniform32()` draw. */
  int(n: number): number {
    return Math.floor(this.uniform32() * n);
  }

  /** A standard normal deviate (Box-Muller from `uniform53()`; one per call). */
  normal(): number {
    let u = this.uniform53();
    while (u === 0) u = this.uniform53();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform53());
  }

  /** A shuffled copy (Fisher-Yates, one `int` per element). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  state(): RngState {
    const [a, b, c, d] = this.s;
    return { algorithm: 'xoshiro128**', state: [a, b, c, d] };
  }

  /**
   * Restores a state from `state()`; also accepts the bare array of four words that GRPO checkpoints
   * written before the generators were merged hold. Throws SrlError('validation') on anything else.
   */
  setState(value: unknown): void {
    const v = value as Partial<RngState> | null;
    const words = Array.isArray(value) ? (value as unknown[]) : v?.state;
    const tagged = Array.isArray(value) || (v !== null && typeof v === 'object' && v.algorithm === 'xoshiro128**');
    if (
      !tagged ||
      !Array.isArray(words) ||
      words.length !== 4 ||
      !words.every((w) => Number.isInteger(w) && (w as number) >= 0 && (w as number) <= 0xffffffff) ||
      words.every((w) => w === 0)
    ) {
      throw new SrlError(
        'validation',
        `invalid RNG state ${JSON.stringify(value)}; expected { algorithm: 'xoshiro128**', state: four uint32 words, not all 0 } ` +
          '(the checkpoint may be damaged or from another program: resume from another checkpoint or start afresh)',
      );
    }
    this.s.set(words as number[]);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
