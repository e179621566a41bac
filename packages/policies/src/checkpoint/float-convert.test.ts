import { describe, expect, it } from 'vitest';
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './float-convert';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromBits = (bits: number): number => {
  u32[0] = bits >>> 0;
  return f32[0];
};

describe('float16 conversions', () => {
  it('decodes and re-encodes every non-NaN half bit pattern exactly', () => {
    const bad: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = f16BitsToFloat32(bits);
      const isNanPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (Number.isNaN(v) !== isNanPattern) bad.push(bits);
      else if (isNanPattern ? !Number.isNaN(f16BitsToFloat32(float32ToF16Bits(v))) : float32ToF16Bits(v) !== bits) bad.push(bits);
    }
    expect(bad).toEqual([]);
  });

  it('decodes known values', () => {
    expect(f16BitsToFloat32(0x3c00)).toBe(1);
    expect(f16BitsToFloat32(0xc000)).toBe(-2);
    expect(f16BitsToFloat32(0x7bff)).toBe(65504);
    expect(f16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(f16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(Object.is(f16BitsToFloat32(0x8000), -0)).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 is halfway between 1 (even mantissa) and 1 + 2^-10: rounds down to 1.
    expect(float32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even): rounds up.
    expect(float32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // Just above the halfway point rounds up.
    expect(float32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // Largest finite half is 65504; 65520 is the halfway point to "65536" and rounds (to even) to infinity.
    expect(float32ToF16Bits(65519)).toBe(0x7bff);
    expect(float32ToF16Bits(65520)).toBe(0x7c00);
    expect(float32ToF16Bits(1e10)).toBe(0x7c00);
    expect(float32ToF16Bits(-1e10)).toBe(0xfc00);
    // Subnormals: 2^-25 is halfway between 0 and the smallest subnormal: ties to even (zero).
    expect(float32ToF16Bits(2 ** -25)).toBe(0x0000);
    expect(float32ToF16Bits(2 ** -25 * 1.5)).toBe(0x0001);
    expect(float32ToF16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(float32ToF16Bits(-(2 ** -30))).toBe(0x8000);
    // Largest subnormal rounding up into the smallest normal.
    expect(float32ToF16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400);
  });
});

describe('bfloat16 conversions', () => {
  it('decodes and re-encodes every non-NaN bf16 bit pattern exactly', () => {
    const bad: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = bf16BitsToFloat32(bits);
      const back = float32ToBf16Bits(v);
      if (Number.isNaN(v) ? !Number.isNaN(bf16BitsToFloat32(back)) : back !== bits) bad.push(bits);
    }
    expect(bad).toEqual([]);
  });

  it('rounds to nearest, ties to even, and keeps NaN a NaN', () => {
    expect(float32ToBf16Bits(fromBits(0x3f808000))).toBe(0x3f80); // tie, even stays
    expect(float32ToBf16Bits(fromBits(0x3f818000))).toBe(0x3f82); // tie, odd rounds up
    expect(float32ToBf16Bits(fromBits(0x3f808001))).toBe(0x3f81); // above tie
    expect(float32ToBf16Bits(fromBits(0x3f807fff))).toBe(0x3f80); // below tie
    expect(float32ToBf16Bits(fromBits(0x7f7fffff))).toBe(0x7f80); // max float rounds to infinity
    // A NaN whose payload lies only in the low 16 bits must not become infinity.
    expect(Number.isNaN(bf16BitsToFloat32(float32ToBf16Bits(fromBits(0x7f800001))))).toBe(true);
  });
});
