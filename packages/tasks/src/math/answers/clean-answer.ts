/**
 * Turns a gold answer into a clean string: numbers in canonical form (`27.0` → "27"), thousands
 * separators removed from plain numbers ("1,080" → "1080"), leading zeros dropped from integers
 * (AIME's "025" → "25"), surrounding whitespace trimmed. Anything else (LaTeX, tuples, words) is
 * kept verbatim. Returns null for an empty string or a non-finite number.
 */
export function cleanAnswer(value: string | number): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return Object.is(value, -0) ? '0' : String(value);
  }
  let text = value.trim();
  if (text === '') return null;
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  const integer = /^([-+]?)0*(\d+)$/.exec(text);
  if (integer) {
    const sign = integer[1] === '-' && /[1-9]/.test(integer[2]) ? '-' : '';
    return sign + integer[2];
  }
  return text;
}
