/**
 * Keeps the head and the tail of a long observation (test logs put errors at both ends), joined by
 * a marker that says how much was cut: at most `maxChars` characters of the original survive.
 * `maxChars` 0 keeps everything.
 */
export function truncateObservation(text: string, maxChars: number): string {
  if (maxChars <= 0 || text.length <= maxChars) return text;
  const head = Math.ceil(maxChars / 2);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n[... ${text.length - maxChars} characters omitted ...]\n${tail > 0 ? text.slice(text.length - tail) : ''}`;
}
