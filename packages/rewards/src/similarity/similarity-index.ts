// SRL §4.2: the step reward is difflib.SequenceMatcher(None, model_step, expert_step).ratio().
// This file is an exact port of CPython 3.11's SequenceMatcher (Lib/difflib.py: __chain_b,
// find_longest_match, get_matching_blocks, ratio, quick_ratio) over integer symbols. The index is built
// over `b` once and reused for any number of `a` sequences (a group's rollouts against one expert step).
import { SrlError } from '@srl/core';
import { mergeBlocks, ratioOf, type Match } from './matching-blocks';
import { SymbolTable, type Sequence } from './symbol-table';

export type { Match } from './matching-blocks';

export interface SimilarityOptions {
  /**
   * difflib's autojunk heuristic (default true, Python's default): when `b` has 200 or more elements, an
   * element occurring more than `len(b) // 100 + 1` times is "popular" and never starts a match.
   */
  autojunk?: boolean;
  /** difflib's `isjunk`: called once per distinct element of `b` (a one-code-point string for text). */
  isjunk?: ((element: string) => boolean) | null;
}

const JUNK = 1;
const POPULAR = 2;

// Scratch shared by every index: everything below runs synchronously, so one set of buffers serves all.
let aSym: Int32Array = new Int32Array(1024); // the compared sequence's ids
let stack: Int32Array = new Int32Array(256); // get_matching_blocks' queue, 4 ints per entry
let fill: Int32Array = new Int32Array(256);
let rare: Int32Array = new Int32Array(1024); // per position i of a: len(b2j[a[i]]), 0 when a[i] can never be part of a match
let deque: Int32Array = new Int32Array(1024); // find_longest_match's sliding-window minimum of `rare`
const best = new Int32Array(3);

function grow(buf: Int32Array, size: number): Int32Array {
  return buf.length >= size ? buf : new Int32Array(Math.max(size, buf.length * 2));
}

/** The `b` side of a SequenceMatcher: CPython's b2j, bjunk and bpopular, in one Int32Array. */
export class SimilarityIndex {
  /** `len(b)` in elements (code points for a string). */
  readonly length: number;
  private readonly table: SymbolTable;
  private readonly bSym: Int32Array;
  /** b2j in CSR form: positions of id `s` are `positions[starts[s] .. starts[s+1])`, ascending; none for junk/popular. */
  private readonly starts: Int32Array;
  private readonly positions: Int32Array;
  /** CPython's `fullbcount` (every element, junk included), per id. */
  private readonly counts: Int32Array;
  /** JUNK (isjunk said so) or POPULAR (autojunk), per id; popular elements are not junk, as in CPython. */
  private readonly flags: Int32Array;

  constructor(b: Sequence, options: SimilarityOptions = {}) {
    if (typeof b !== 'string' && !Array.isArray(b)) {
      throw new SrlError('validation', `SequenceMatcher: b must be a string or an array of strings, got ${b === null ? 'null' : typeof b}`);
    }
    const autojunk = options.autojunk ?? true;
    const isjunk = options.isjunk ?? null;
    aSym = grow(aSym, b.length);
    const { table, length: n } = SymbolTable.intern(b, aSym);
    const ids = table.size;
    this.table = table;
    this.length = n;

    // One allocation: bSym[n] | counts[ids] | flags[ids] | starts[ids+1] | positions[<= n].
    const data = new Int32Array(n + 3 * ids + 1 + n);
    const bSym = (this.bSym = data.subarray(0, n));
    const counts = (this.counts = data.subarray(n, n + ids));
    const flags = (this.flags = data.subarray(n + ids, n + 2 * ids));
    const starts = (this.starts = data.subarray(n + 2 * ids, n + 3 * ids + 1));
    bSym.set(aSym.subarray(0, n));
    for (let j = 0; j < n; j++) counts[bSym[j]]++;

    // __chain_b: junk first, then popular among the remaining elements.
    if (isjunk) {
      for (let s = 0; s < ids; s++) if (isjunk(table.element(s))) flags[s] = JUNK;
    }
    if (autojunk && n >= 200) {
      const ntest = Math.floor(n / 100) + 1;
      for (let s = 0; s < ids; s++) if (flags[s] === 0 && counts[s] > ntest) flags[s] = POPULAR;
    }
    for (let s = 0; s < ids; s++) starts[s + 1] = starts[s] + (flags[s] ? 0 : counts[s]);
    const positions = (this.positions = data.subarray(n + 3 * ids + 1, n + 3 * ids + 1 + starts[ids]));
    fill = grow(fill, ids);
    fill.set(starts.subarray(0, ids));
    for (let j = 0; j < n; j++) {
      const s = bSym[j];
      if (!flags[s]) positions[fill[s]++] = j;
    }
  }

  /** CPython's `bjunk`: the elements of `b` that `isjunk` accepted. */
  get junk(): Set<string> {
    return this.flagged(JUNK);
  }

  /** CPython's `bpopular`: non-junk elements dropped from the index by autojunk. */
  get popular(): Set<string> {
    return this.flagged(POPULAR);
  }

  /** `SequenceMatcher(isjunk, a, b, autojunk).ratio()`: 2*M/T, and 1.0 when both are empty. */
  ratio(a: Sequence): number {
    const la = this.load(a);
    return ratioOf(this.collect(la, null), la + this.length);
  }

  /** `get_matching_blocks()`: sorted, adjacent blocks merged, ending with the sentinel `(len(a), len(b), 0)`. */
  matchingBlocks(a: Sequence): Match[] {
    const la = this.load(a);
    const raw: number[] = [];
    this.collect(la, raw);
    return mergeBlocks(raw, la, this.length);
  }

  /** `quick_ratio()`: an upper bound on ratio() from element counts alone. */
  quickRatio(a: Sequence): number {
    const la = this.load(a);
    const avail = this.counts.slice();
    let matches = 0;
    for (let i = 0; i < la; i++) {
      const s = aSym[i];
      if (s >= 0 && avail[s]-- > 0) matches++;
    }
    return ratioOf(matches, la + this.length);
  }

  /** `find_longest_match(alo, ahi, blo, bhi)`, each bound defaulting to the whole sequence. */
  findLongestMatch(a: Sequence, range: { alo?: number; ahi?: number; blo?: number; bhi?: number } = {}): Match {
    const la = this.load(a);
    const { alo = 0, ahi = la, blo = 0, bhi = this.length } = range;
    const ok = [alo, ahi, blo, bhi].every((v) => Number.isInteger(v) && v >= 0) && alo <= ahi && ahi <= la && blo <= bhi && bhi <= this.length;
    if (!ok) {
      throw new SrlError(
        'validation',
        `findLongestMatch: range alo=${alo} ahi=${ahi} blo=${blo} bhi=${bhi} is invalid; expected integers with 0 <= alo <= ahi <= ${la} and 0 <= blo <= bhi <= ${this.length}`,
      );
    }
    this.longest(alo, ahi, blo, bhi);
    return { a: best[0], b: best[1], size: best[2] };
  }

  private flagged(flag: number): Set<string> {
    const out = new Set<string>();
    for (let s = 0; s < this.flags.length; s++) if (this.flags[s] === flag) out.add(this.table.element(s));
    return out;
  }

  /** Encodes `a` into the shared scratch; returns its length in elements. Sizes the scratch for this pair. */
  private load(a: Sequence): number {
    if (typeof a !== 'string' && !Array.isArray(a)) {
      throw new SrlError('validation', `SequenceMatcher: a must be a string or an array of strings, got ${a === null ? 'null' : typeof a}`);
    }
    aSym = grow(aSym, a.length);
    const la = this.table.encode(a, aSym);
    rare = grow(rare, la);
    deque = grow(deque, la + 1);
    const starts = this.starts;
    for (let i = 0; i < la; i++) {
      const s = aSym[i];
      rare[i] = s >= 0 ? starts[s + 1] - starts[s] : 0;
    }
    return la;
  }

  /**
   * get_matching_blocks' work queue (a LIFO stack, as CPython pops from the end of a list). Returns the total
   * size of the blocks found; pushes each raw (i, j, k) onto `out` when given. Merging adjacent blocks never
   * changes that total, so ratio() needs no sort.
   */
  private collect(la: number, out: number[] | null): number {
    let top = 0;
    stack[top++] = 0;
    stack[top++] = la;
    stack[top++] = 0;
    stack[top++] = this.length;
    let total = 0;
    while (top > 0) {
      const bhi = stack[--top];
      const blo = stack[--top];
      const ahi = stack[--top];
      const alo = stack[--top];
      this.longest(alo, ahi, blo, bhi);
      const i = best[0];
      const j = best[1];
      const k = best[2];
      if (k === 0) continue;
      total += k;
      if (out) out.push(i, j, k);
      if (top + 8 > stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      if (alo < i && blo < j) {
        stack[top++] = alo;
        stack[top++] = i;
        stack[top++] = blo;
        stack[top++] = j;
      }
      if (i + k < ahi && j + k < bhi) {
        stack[top++] = i + k;
        stack[top++] = ahi;
        stack[top++] = j + k;
        stack[top++] = bhi;
      }
    }
    return total;
  }

  /**
   * find_longest_match over the encoded `a` in the scratch; writes (besti, bestj, bestsize) to `best`.
   *
   * CPython computes, row by row, the length k of the junk-free run of matches ending at each (i, j) (j2len),
   * keeping the first cell in row-major order with the largest k: of all longest runs, the one that ends
   * (equivalently, starts) in the earliest row of a, then the earliest position of b. A "match" is
   * `a[i] == b[j]` with b[j] in b2j, i.e. neither junk nor popular. This computes the same answer with far
   * fewer steps on text:
   * - Rows are taken as start rows, in order. A run longer than the best so far (`bestsize`) starting at row i
   *   covers a[i .. i+bestsize], so it must contain that window's rarest element (the fewest b2j entries,
   *   found by a sliding-window minimum); only b2j entries of that element within range are candidates, and
   *   a window holding an element with no b2j entry rules out every start row up to that element.
   * - Each candidate start (i, j) is measured by walking the run forward; it replaces the best only when
   *   strictly longer, so the first longest run found wins, as in CPython. A candidate that is not the start
   *   of its run cannot win: the run's true start, one row earlier, was measured first and set bestsize to at
   *   least its length.
   */
  private longest(alo: number, ahi: number, blo: number, bhi: number): void {
    const a = aSym;
    const b = this.bSym;
    const { starts, positions, flags } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    const r = rare;
    const dq = deque;
    let head = 0;
    let tail = 0;
    let right = alo - 1;
    for (let i = alo; i + bestsize < ahi && bestsize < bhi - blo; i++) {
      // Sliding minimum of r over the window [i, i + bestsize]: a longer run starting at row i covers it all.
      const end = i + bestsize;
      while (right < end) {
        right++;
        const v = r[right];
        while (tail > head && r[dq[tail - 1]] >= v) tail--;
        dq[tail++] = right;
      }
      while (dq[head] < i) head++;
      const anchor = dq[head];
      if (r[anchor] === 0) {
        i = anchor; // no match can cover this position: no longer run starts at or before it
        continue;
      }
      const t = anchor - i;
      const s = a[anchor];
      const pend = starts[s + 1];
      let limit = bhi - bestsize - 1 + t;
      for (let p = lowerBound(positions, starts[s], pend, blo + t); p < pend; p++) {
        const pos = positions[p];
        if (pos > limit) break;
        const j = pos - t;
        // A longer run must also match at offset bestsize: the cheapest rejection.
        if (a[i + bestsize] !== b[j + bestsize]) continue;
        let u = 0;
        while (i + u < ahi && j + u < bhi && a[i + u] === b[j + u] && r[i + u] > 0) u++;
        if (u > bestsize) {
          besti = i;
          bestj = j;
          bestsize = u;
          limit = bhi - bestsize - 1 + t;
        }
      }
    }

    // Extend the best by non-junk elements on each end, then suck up matching junk on each side.
    while (besti > alo && bestj > blo && flags[b[bestj - 1]] !== JUNK && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && flags[b[bestj + bestsize]] !== JUNK && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    while (besti > alo && bestj > blo && flags[b[bestj - 1]] === JUNK && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && flags[b[bestj + bestsize]] === JUNK && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    best[0] = besti;
    best[1] = bestj;
    best[2] = bestsize;
  }
}

/** First index p in [lo, hi) with `arr[p] >= value` (hi when none): a short linear walk, then binary search. */
function lowerBound(arr: Int32Array, lo: number, hi: number, value: number): number {
  const stop = Math.min(hi, lo + 8);
  while (lo < stop && arr[lo] < value) lo++;
  if (lo < stop) return lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
