/**
 * Maps the elements of one sequence (`b`, the indexed side of a SequenceMatcher) to dense integer ids,
 * so that the matcher works on Int32Arrays instead of strings.
 *
 * A string is a sequence of Unicode code points (as in CPython, where `len('𝔘') == 1`), never of UTF-16
 * units; a lone surrogate is one element, as it is in a Python `str`. An array of strings (lines, tokens)
 * is a sequence of whole strings; a string compared with an array is split into one-code-point strings,
 * which is how Python compares a `str` with a `list` of `str`.
 * Elements of `a` that never occur in `b` encode as -1: they can match nothing, and the matcher only ever
 * compares an `a` element with a `b` element, so they never need an id of their own.
 */

/** What SequenceMatcher compares: a string (code points) or an array of strings (each one element). */
export type Sequence = string | readonly string[];

const ASCII = 128;

export class SymbolTable {
  /** Text mode: id of each ASCII code point (-1 when absent); other code points in `wide`. */
  private readonly ascii: number[] | null;
  private readonly wide: Map<number, number> | null;
  /** Items mode (b is an array of strings): id of each element. */
  private readonly items: Map<string, number> | null;
  /** Text mode: the code point of each id. Items mode: the element of each id. */
  private readonly keys: (number | string)[] = [];

  private constructor(text: boolean) {
    this.ascii = text ? new Array<number>(ASCII).fill(-1) : null;
    this.wide = text ? new Map() : null;
    this.items = text ? null : new Map();
  }

  /**
   * Builds the table of `b`, assigning ids in order of first occurrence (CPython's b2j key order), and writes
   * b's ids into `out`, which must hold at least `b.length` entries. Returns the table and b's length in elements.
   */
  static intern(b: Sequence, out: Int32Array): { table: SymbolTable; length: number } {
    if (typeof b !== 'string') {
      const table = new SymbolTable(false);
      const items = table.items!;
      for (let i = 0; i < b.length; i++) {
        let id = items.get(b[i]);
        if (id === undefined) {
          id = table.keys.length;
          items.set(b[i], id);
          table.keys.push(b[i]);
        }
        out[i] = id;
      }
      return { table, length: b.length };
    }
    const table = new SymbolTable(true);
    const ascii = table.ascii!;
    const wide = table.wide!;
    const keys = table.keys;
    let n = 0;
    for (let u = 0; u < b.length; u++) {
      let cp = b.charCodeAt(u);
      let id: number | undefined;
      if (cp < ASCII) {
        id = ascii[cp];
        if (id < 0) {
          id = ascii[cp] = keys.length;
          keys.push(cp);
        }
      } else {
        if (cp >= 0xd800 && cp < 0xdc00 && u + 1 < b.length) {
          const low = b.charCodeAt(u + 1);
          if (low >= 0xdc00 && low < 0xe000) {
            cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
            u++;
          }
        }
        id = wide.get(cp);
        if (id === undefined) {
          id = keys.length;
          wide.set(cp, id);
          keys.push(cp);
        }
      }
      out[n++] = id;
    }
    return { table, length: n };
  }

  /** Number of distinct elements. */
  get size(): number {
    return this.keys.length;
  }

  /** The element of an id, as difflib's `isjunk`, `bjunk` and `bpopular` see it (a one-code-point string for text). */
  element(id: number): string {
    const key = this.keys[id];
    return typeof key === 'number' ? String.fromCodePoint(key) : key;
  }

  /**
   * Writes the ids of `seq` into `out` (at least `seq.length` entries: a string never has more code points than
   * UTF-16 units) without assigning new ones; returns `seq`'s length in elements.
   */
  encode(seq: Sequence, out: Int32Array): number {
    if (typeof seq !== 'string') {
      for (let i = 0; i < seq.length; i++) out[i] = this.idOf(seq[i]);
      return seq.length;
    }
    if (this.items) {
      let n = 0;
      for (const ch of seq) out[n++] = this.items.get(ch) ?? -1;
      return n;
    }
    const ascii = this.ascii!;
    const wide = this.wide!;
    let n = 0;
    for (let u = 0; u < seq.length; u++) {
      let cp = seq.charCodeAt(u);
      if (cp < ASCII) {
        out[n++] = ascii[cp];
        continue;
      }
      if (cp >= 0xd800 && cp < 0xdc00 && u + 1 < seq.length) {
        const low = seq.charCodeAt(u + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          u++;
        }
      }
      out[n++] = wide.get(cp) ?? -1;
    }
    return n;
  }

  /** Id of one element of an array compared with this table, -1 when it does not occur in `b`. */
  private idOf(element: string): number {
    if (this.items) return this.items.get(element) ?? -1;
    // Text table: only a one-code-point string can equal an element of b.
    const cp = element.codePointAt(0);
    if (cp === undefined || element.length !== (cp > 0xffff ? 2 : 1)) return -1;
    return (cp < ASCII ? this.ascii![cp] : this.wide!.get(cp)) ?? -1;
  }
}

/** Length of a sequence in elements (code points for a string), as Python's `len` counts it. */
export function sequenceLength(seq: Sequence): number {
  if (typeof seq !== 'string') return seq.length;
  let n = seq.length;
  for (let u = 0; u + 1 < seq.length; u++) {
    const cp = seq.charCodeAt(u);
    if (cp >= 0xd800 && cp < 0xdc00) {
      const low = seq.charCodeAt(u + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        n--;
        u++;
      }
    }
  }
  return n;
}
