/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units (seeds and stable selections; not cryptographic). The one
 * copy: the synthetic tasks' data, the held-out splits and the math rewards' sample points depend on it.
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
