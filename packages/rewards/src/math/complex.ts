/**
 * Minimal complex arithmetic in doubles, enough to evaluate answer expressions at sample points:
 * `6 - 5i`, `\ln 2 + i\pi/3`, and real expressions whose intermediate values leave the reals
 * (`\sqrt{1-\zeta^2}` at a sample point with ζ > 1) without turning into NaN.
 */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

export const complex = (re: number, im = 0): Complex => ({ re, im });
export const ZERO = complex(0);
export const ONE = complex(1);
export const I = complex(0, 1);

export const cAdd = (a: Complex, b: Complex): Complex => complex(a.re + b.re, a.im + b.im);
export const cSub = (a: Complex, b: Complex): Complex => complex(a.re - b.re, a.im - b.im);
export const cNeg = (a: Complex): Complex => complex(-a.re, -a.im);
export const cMul = (a: Complex, b: Complex): Complex =>
  a.im === 0 && b.im === 0 ? complex(a.re * b.re) : complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);

export function cDiv(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return complex(a.re / b.re);
  const den = b.re * b.re + b.im * b.im;
  return complex((a.re * b.re + a.im * b.im) / den, (a.im * b.re - a.re * b.im) / den);
}

export const cAbs = (a: Complex): number => Math.hypot(a.re, a.im);
export const isReal = (a: Complex): boolean => a.im === 0;
export const isFiniteComplex = (a: Complex): boolean => Number.isFinite(a.re) && Number.isFinite(a.im);

export function cExp(a: Complex): Complex {
  const m = Math.exp(a.re);
  return a.im === 0 ? complex(m) : complex(m * Math.cos(a.im), m * Math.sin(a.im));
}

/** Principal logarithm. */
export function cLog(a: Complex): Complex {
  if (a.im === 0 && a.re > 0) return complex(Math.log(a.re));
  return complex(Math.log(cAbs(a)), Math.atan2(a.im, a.re));
}

/** Principal square root. */
export function cSqrt(a: Complex): Complex {
  if (a.im === 0) return a.re >= 0 ? complex(Math.sqrt(a.re)) : complex(0, Math.sqrt(-a.re));
  const r = cAbs(a);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sign(a.im) * Math.sqrt((r - a.re) / 2);
  return complex(re, im);
}

/** a^b; real bases with real exponents stay real where the result is real (odd roots of negatives). */
export function cPow(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) {
    const direct = a.re ** b.re;
    if (!Number.isNaN(direct)) return complex(direct);
  }
  if (b.im === 0 && Number.isInteger(b.re) && Math.abs(b.re) <= 64) {
    let result = ONE;
    for (let k = 0; k < Math.abs(b.re); k++) result = cMul(result, a);
    return b.re < 0 ? cDiv(ONE, result) : result;
  }
  if (a.re === 0 && a.im === 0) return b.re > 0 ? ZERO : complex(NaN, NaN);
  return cExp(cMul(b, cLog(a)));
}

/**
 * Real n-th root for real bases (`\sqrt[3]{-8} = -2`), principal root otherwise.
 */
export function cRoot(a: Complex, n: Complex): Complex {
  if (a.im === 0 && n.im === 0 && Number.isInteger(n.re) && n.re % 2 !== 0 && a.re < 0) {
    return complex(-((-a.re) ** (1 / n.re)));
  }
  return cPow(a, cDiv(ONE, n));
}

export function cSin(a: Complex): Complex {
  if (a.im === 0) return complex(Math.sin(a.re));
  return complex(Math.sin(a.re) * Math.cosh(a.im), Math.cos(a.re) * Math.sinh(a.im));
}

export function cCos(a: Complex): Complex {
  if (a.im === 0) return complex(Math.cos(a.re));
  return complex(Math.cos(a.re) * Math.cosh(a.im), -Math.sin(a.re) * Math.sinh(a.im));
}

export const cTan = (a: Complex): Complex => cDiv(cSin(a), cCos(a));

/** asin z = -i·ln(iz + √(1 − z²)). */
export function cAsin(a: Complex): Complex {
  if (a.im === 0 && Math.abs(a.re) <= 1) return complex(Math.asin(a.re));
  return cMul(complex(0, -1), cLog(cAdd(cMul(I, a), cSqrt(cSub(ONE, cMul(a, a))))));
}

/** acos z = π/2 − asin z. */
export const cAcos = (a: Complex): Complex => (a.im === 0 && Math.abs(a.re) <= 1 ? complex(Math.acos(a.re)) : cSub(complex(Math.PI / 2), cAsin(a)));

/** atan z = (i/2)·ln((i + z)/(i − z)). */
export function cAtan(a: Complex): Complex {
  if (a.im === 0) return complex(Math.atan(a.re));
  return cMul(complex(0, 0.5), cLog(cDiv(cAdd(I, a), cSub(I, a))));
}

export const cSinh = (a: Complex): Complex => cMul(complex(0.5), cSub(cExp(a), cExp(cNeg(a))));
export const cCosh = (a: Complex): Complex => cMul(complex(0.5), cAdd(cExp(a), cExp(cNeg(a))));
export const cTanh = (a: Complex): Complex => cDiv(cSinh(a), cCosh(a));
