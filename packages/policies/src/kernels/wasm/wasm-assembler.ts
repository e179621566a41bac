/**
 * A minimal WebAssembly binary writer: just what the SIMD kernels in this folder need (i32/f32 scalars, f32x4
 * vectors, loops and blocks, one imported memory). Functions are written as byte sequences with the helpers in
 * `op`; `assembleModule` wraps them into a module that imports `env.memory`.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const F64 = 0x7c;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const simd = (code: number, ...rest: number[]): number[] => [0xfd, ...uleb(code), ...rest];
/** memarg: alignment hint 0 (any address), offset in bytes. */
const mem = (offset = 0): number[] => [0, ...uleb(offset)];

/** Instruction encoders (each returns its bytes). */
export const op = {
  block: (): number[] => [0x02, 0x40],
  loop: (): number[] => [0x03, 0x40],
  end: (): number[] => [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v | 0)],
  f32: (v: number): number[] => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v, 0);
    return [0x43, ...b];
  },
  /** if (cond) ... end, no result. */
  if: (): number[] => [0x04, 0x40],
  else: (): number[] => [0x05],
  call: (index: number): number[] => [0x10, ...uleb(index)],
  f64: (v: number): number[] => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v, 0);
    return [0x44, ...b];
  },
  i32Load: (offset = 0): number[] => [0x28, 2, ...uleb(offset)],
  i32And: [0x71],
  i32ShrU: [0x76],
  f32Gt: [0x5e],
  f32Demote: [0xb6],
  f64Promote: [0xbb],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32LeS: [0x4c],
  /** select: (a, b, cond) -> cond ? a : b */
  select: [0x1b],
  i32Shl: [0x74],
  i32GeS: [0x4e],
  i32GtS: [0x4a],
  i32LtS: [0x48],
  f32Load: (offset = 0): number[] => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0): number[] => [0x38, 2, ...uleb(offset)],
  f32Add: [0x92],
  f32Div: [0x95],
  f32Max: [0x97],
  f32Mul: [0x94],
  v128Load: (offset = 0): number[] => simd(0x00, ...mem(offset)),
  v128Store: (offset = 0): number[] => simd(0x0b, ...mem(offset)),
  f32x4Splat: simd(0x13),
  /** v128.load32_splat: one f32 from memory into all four lanes. */
  v128Load32Splat: (offset = 0): number[] => simd(0x09, ...mem(offset)),
  /** i8x16.shuffle picking f32 lanes: 0-3 from the first operand, 4-7 from the second. */
  f32x4Shuffle: (lanes: [number, number, number, number]): number[] => simd(0x0d, ...lanes.flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3])),
  f32x4ExtractLane: (lane: number): number[] => simd(0x1f, lane),
  f32x4Add: simd(0xe4),
  /**
   * f32x4.relaxed_madd (relaxed SIMD): a * b + c, fused where the CPU has FMA (x86 FMA3, arm64), else a product
   * then a sum; the runtime must support relaxed SIMD (`relaxedSimd()` in simd-module.ts).
   */
  f32x4RelaxedMadd: simd(0x105),
  /** f64x2.promote_low_f32x4: lanes 0, 1 to float64. */
  f64x2PromoteLow: simd(0x5f),
  /** f32x4.demote_f64x2_zero: both lanes to float32 (round to nearest) in lanes 0, 1; lanes 2, 3 zero. */
  f32x4DemoteZero: simd(0x5e),
  f64x2Mul: simd(0xf2),
  f64x2Splat: simd(0x14),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Sqrt: simd(0xe3),
  f32x4Min: simd(0xe8),
  /** Lane-wise a > b as all-ones / all-zeros masks. */
  f32x4Gt: simd(0x44),
  /** f32x4.ne: all ones where a != b (NaN != NaN). */
  f32x4Ne: simd(0x42),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  /** v128.any_true: 1 when any bit is set. */
  v128AnyTrue: simd(0x53),
  f32x4Max: simd(0xe9),
  /**
   * f32x4.pmin / f32x4.pmax (pseudo-minimum and -maximum): a, b -> b < a ? b : a and a < b ? b : a, one minps /
   * maxps on x64 where min / max take ~8 instructions for NaN and signed-zero rules. With a constant, non-NaN b
   * they equal min / max for every a (a NaN a gives a NaN: a itself, where min / max give a canonical NaN).
   */
  f32x4Pmin: simd(0xea),
  f32x4Pmax: simd(0xeb),
  /** Round to nearest, ties to even. */
  f32x4Nearest: simd(0x6a),
  i32x4TruncSatF32x4S: simd(0xf8),
  i32x4Add: simd(0xae),
  /** Shift each i32 lane left by an i32 scalar. */
  i32x4Shl: simd(0xab),
  i32x4Splat: simd(0x11),
  /** v128.const with four f32 lanes equal to `v`. */
  f32x4Const: (v: number): number[] => {
    const b = Buffer.alloc(16);
    for (let i = 0; i < 4; i++) b.writeFloatLE(v, i * 4);
    return simd(0x0c, ...b);
  },
};

export interface FunctionDef {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals (after the params), by type. */
  locals: number[];
  body: number[][];
}

/** A module importing `env.memory` and exporting `functions` by name. */
export function assembleModule(functions: FunctionDef[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]);
  const funcs = vec(functions.map((_, i) => uleb(i)));
  const exports = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = functions.map((f) => {
    const locals = vec(f.locals.map((t) => [...uleb(1), t]));
    const code = [...locals, ...f.body.flat(), 0x0b];
    return [...uleb(code.length), ...code];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ];
  return Uint8Array.from(bytes);
}
