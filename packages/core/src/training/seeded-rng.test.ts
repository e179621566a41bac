import { describe, expect, it } from 'vitest';
import { SeededRng } from './seeded-rng';

// Frozen outputs of the two generators this class replaces (core's `SeededRng` with 32-bit `next()` and
// @srl/policies' `Rng` with 53-bit `next()`), recorded from their last versions: every stream a test,
// a checkpoint or a seeded run depends on must stay bit-identical.
const OLD_CORE: [number, { state: number[]; u: number[]; i: number; sh: number[] }][] = [
  [0, { state: [2462723854, 1020716019, 454327756, 1275600319], u: [0.8868539538234472, 0.26395898405462503], i: 12, sh: [2, 4, 6, 3, 1, 5] }],
  [42, { state: [939911724, 3948730756, 321366731, 3317318717], u: [0.6606157226487994, 0.12688010395504534], i: 111, sh: [2, 3, 4, 6, 1, 5] }],
  [977648065, { state: [1765456069, 3893821413, 7031352, 1040358363], u: [0.021448307670652866, 0.7447298977058381], i: 570, sh: [1, 3, 2, 5, 4, 6] }],
  // Old core seeding kept only the low 32 bits (`seed >>> 0`): callers that need that pass `seed >>> 0`.
  [2 ** 32 + 5, { state: [1478832577, 3186062026, 3537421946, 387527240], u: [0.842144260648638, 0.8309697399381548], i: 624, sh: [6, 1, 4, 5, 3, 2] }],
  [-3, { state: [4139236332, 781710874, 2237233349, 4126767546], u: [0.3559768842533231, 0.15303034731186926], i: 322, sh: [5, 3, 6, 1, 2, 4] }],
];
const OLD_POLICIES: [number, { state: number[]; u: number[]; n: number }][] = [
  [0, { state: [2462723854, 1020716019, 454327756, 1275600319], u: [0.8868539502021594, 0.012474988946590604], n: 2.5868475608858597 }],
  [1, { state: [2527132011, 314344336, 2535364964, 2041432039], u: [0.5686059948349658, 0.8893939367683266], n: -0.7400966027828374 }],
  [4294967301, { state: [2058230478, 755456664, 2597089134, 970576561], u: [0.14633750463399586, 0.6360957534187404], n: 0.17434803036158025 }],
  [-3, { state: [1921556427, 3107138774, 199352213, 3434129163], u: [0.9978152360574729, 0.5764599434062182], n: 0.052954211259355184 }],
];

describe('SeededRng (xoshiro128**)', () => {
  it('matches the reference C implementation from state {1, 2, 3, 4}', () => {
    const rng = SeededRng.fromState({ algorithm: 'xoshiro128**', state: [1, 2, 3, 4] });
    // Output of Blackman & Vigna's xoshiro128starstar.c next(), compiled with gcc.
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it("reproduces old core's streams: uniform32, int and shuffle", () => {
    for (const [seed, want] of OLD_CORE) {
      const rng = new SeededRng(seed >>> 0);
      expect(rng.state().state).toEqual(want.state);
      expect([rng.uniform32(), rng.uniform32(), rng.int(1000), rng.shuffle([1, 2, 3, 4, 5, 6])]).toEqual([...want.u, want.i, want.sh]);
    }
    // The instance stream seeds by words.
    expect(SeededRng.fromWords([5, 3, 0x5eed, 0x1234]).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([3, 4, 2, 1, 5, 7, 6, 8, 9, 0]);
    expect(SeededRng.fromWords([0, 0, 0, 0]).state().state).toEqual([1, 0, 0, 0]);
  });

  it("reproduces old policies' streams: the seed's high word, uniform53 and normal", () => {
    for (const [seed, want] of OLD_POLICIES) {
      const rng = new SeededRng(seed);
      expect(rng.state().state).toEqual(want.state);
      expect([rng.uniform53(), rng.uniform53(), rng.normal()]).toEqual([...want.u, want.n]);
    }
    expect(new SeededRng().state()).toEqual(new SeededRng(0).state());
    expect(() => new SeededRng(Number.NaN)).toThrow(/not a finite number/);
  });

  it('restores a saved state exactly, in the tagged form and the bare four words of older GRPO checkpoints', () => {
    const a = new SeededRng(42);
    a.uniform53();
    const tagged = JSON.parse(JSON.stringify(a.state()));
    const bare = a.state().state.slice();
    const next = [a.uniform32(), a.uniform53(), a.int(10), a.shuffle([1, 2, 3, 4])];
    for (const saved of [tagged, bare]) {
      const b = SeededRng.fromState(saved);
      expect([b.uniform32(), b.uniform53(), b.int(10), b.shuffle([1, 2, 3, 4])]).toEqual(next);
    }
    expect(new SeededRng(43).uniform32()).not.toBe(new SeededRng(42).uniform32());
  });

  it('draws uniforms in [0, 1) and standard normals', () => {
    const rng = new SeededRng(1);
    let sum = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform53();
      const v = rng.uniform32();
      expect(u >= 0 && u < 1 && v >= 0 && v < 1).toBe(true);
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
  });

  it('refuses a malformed state', () => {
    const rng = new SeededRng();
    expect(() => rng.setState({ algorithm: 'xoshiro128**', state: [0, 0, 0, 0] })).toThrow(/invalid RNG state/);
    expect(() => rng.setState({ state: [1, 2, 3] })).toThrow(/invalid RNG state/);
    expect(() => rng.setState({ state: [1, 2, 3, 4] })).toThrow(/invalid RNG state/);
    expect(() => rng.setState([1, 2, 3, -4])).toThrow(/invalid RNG state/);
    expect(() => rng.setState(null)).toThrow(/invalid RNG state/);
  });
});
