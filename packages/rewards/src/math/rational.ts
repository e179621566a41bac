/**
 * Exact rationals over BigInt, used to compare integer and fraction answers without rounding
 * (AIME-style integers, `\frac{3}{56}`, `2^{100}`). Sizes are bounded by the caller through
 * {@link RATIONAL_MAX_BITS}: an operation whose result would exceed it returns null and the
 * comparison falls back to floating point.
 */
export interface Rational {
  readonly n: bigint;
  /** Always > 0; the fraction is kept in lowest terms. */
  readonly d: bigint;
}

/** Largest numerator or denominator (in bits) an exact operation may produce. */
export const RATIONAL_MAX_BITS = 4096;

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : (x < 0n ? -x : x).toString(2).length;
}

/** Lowest terms with a positive denominator; null when d is 0 or the result is too large. */
export function rational(n: bigint, d: bigint = 1n): Rational | null {
  if (d === 0n) return null;
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  if (g > 1n) [n, d] = [n / g, d / g];
  if (bitLength(n) > RATIONAL_MAX_BITS || bitLength(d) > RATIONAL_MAX_BITS) return null;
  return { n, d };
}

/** Parses "12", "-0.375", "1.5e3", ".5"; null for anything else (hex, NaN, Infinity). */
export function parseDecimal(text: string): Rational | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const sign = m[1] === '-' ? -1n : 1n;
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? '0') - frac.length;
  if (Math.abs(exp) > 1000) return null;
  let n = BigInt((m[2] || '0') + frac) * sign;
  let d = 1n;
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else d = 10n ** BigInt(-exp);
  return rational(n, d);
}

export const add = (a: Rational, b: Rational): Rational | null => rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational | null => rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational | null => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational | null => (b.n === 0n ? null : rational(a.n * b.d, a.d * b.n));

/** a^k for an integer k; null when it is undefined (0^-1) or too large. */
export function powInt(a: Rational, k: bigint): Rational | null {
  if (k === 0n) return { n: 1n, d: 1n };
  const absK = k < 0n ? -k : k;
  const bits = Math.max(bitLength(a.n), bitLength(a.d));
  // 0, 1 and -1 stay small for any exponent; anything else must fit the bound.
  const e = bits <= 1 ? 2n - (absK % 2n) : absK;
  if (bits > 1 && BigInt(bits - 1) * absK > BigInt(RATIONAL_MAX_BITS)) return null;
  const r = rational(a.n ** e, a.d ** e);
  return r && k < 0n ? div({ n: 1n, d: 1n }, r) : r;
}

export const isInteger = (a: Rational): boolean => a.d === 1n;
export const equals = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;

/** The nearest double (exact for values that are exactly representable). */
export function toNumber(a: Rational): number {
  if (a.d === 1n) return Number(a.n);
  const value = Number(a.n) / Number(a.d);
  if (Number.isFinite(value) && value !== 0) return value;
  // Huge numerator and denominator: scale both down before dividing.
  const shift = BigInt(Math.max(bitLength(a.n), bitLength(a.d)) - 1000);
  if (shift <= 0n) return value;
  return Number(a.n >> shift) / Number(a.d >> shift);
}
