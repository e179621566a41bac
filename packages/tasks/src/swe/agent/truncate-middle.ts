/** `text` cut to at most about `maxChars` characters: the head and the tail kept, a marker between. */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.ceil(maxChars / 2);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n<observation truncated: ${text.length - maxChars} characters omitted>\n${text.slice(text.length - tail)}`;
}
