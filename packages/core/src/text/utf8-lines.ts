/** One line of a text file, decoded strictly: `text` is null when the line is not valid UTF-8. */
export interface Utf8Line {
  /** 1-based line number. */
  line: number;
  text: string | null;
  /** Why `text` is null: e.g. "not valid UTF-8 (bytes 17-18: 0xe9 0x74)". */
  problem?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a file's bytes into lines (\n or \r\n) and decodes each strictly, so that bytes that are
 * not UTF-8 (a Latin-1 file) are reported with their line instead of silently becoming U+FFFD.
 */
export function utf8Lines(bytes: Uint8Array): Utf8Line[] {
  const out: Utf8Line[] = [];
  let start = 0;
  let line = 1;
  // A UTF-8 byte-order mark is not content.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  for (let i = start; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    const end = i > start && bytes[i - 1] === 0x0d ? i - 1 : i;
    const chunk = bytes.subarray(start, end);
    try {
      out.push({ line, text: decoder.decode(chunk) });
    } catch {
      out.push({ line, text: null, problem: `not valid UTF-8 (${firstBadByte(chunk)}); save the file as UTF-8` });
    }
    start = i + 1;
    line++;
  }
  if (out.length && out[out.length - 1].text === '' && bytes.length && bytes[bytes.length - 1] === 0x0a) out.pop();
  return out;
}

const lenient = new TextDecoder('utf-8');

function firstBadByte(chunk: Uint8Array): string {
  // Called only for a line that failed strict decoding: its first replacement character marks the spot.
  const column = lenient.decode(chunk).indexOf('\uFFFD') + 1;
  return column > 0 ? `at column ${column}` : 'an incomplete character';
}
