// Port of CPython 3.11 difflib.SequenceMatcher.get_opcodes and get_grouped_opcodes.
import type { Match } from './similarity-index';

export type OpcodeTag = 'replace' | 'delete' | 'insert' | 'equal';
/** `(tag, i1, i2, j1, j2)`: how to turn `a[i1:i2]` into `b[j1:j2]`, as CPython's tuples. */
export type Opcode = [tag: OpcodeTag, i1: number, i2: number, j1: number, j2: number];

/** `get_opcodes()` from the matching blocks (sentinel included). */
export function opcodesFromBlocks(blocks: readonly Match[]): Opcode[] {
  let i = 0;
  let j = 0;
  const answer: Opcode[] = [];
  for (const { a: ai, b: bj, size } of blocks) {
    let tag: OpcodeTag | '' = '';
    if (i < ai && j < bj) tag = 'replace';
    else if (i < ai) tag = 'delete';
    else if (j < bj) tag = 'insert';
    if (tag) answer.push([tag, i, ai, j, bj]);
    i = ai + size;
    j = bj + size;
    if (size) answer.push(['equal', ai, i, bj, j]);
  }
  return answer;
}

/** `get_grouped_opcodes(n)`: hunks of changes with up to `n` elements of context (default 3). */
export function groupOpcodes(opcodes: readonly Opcode[], n = 3): Opcode[][] {
  const codes: Opcode[] = opcodes.length ? opcodes.map((c) => [...c] as Opcode) : [['equal', 0, 1, 0, 1]];
  const first = codes[0];
  if (first[0] === 'equal') {
    const [tag, i1, i2, j1, j2] = first;
    codes[0] = [tag, Math.max(i1, i2 - n), i2, Math.max(j1, j2 - n), j2];
  }
  const last = codes[codes.length - 1];
  if (last[0] === 'equal') {
    const [tag, i1, i2, j1, j2] = last;
    codes[codes.length - 1] = [tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)];
  }
  const nn = n + n;
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const code of codes) {
    let [tag, i1, i2, j1, j2] = code;
    if (tag === 'equal' && i2 - i1 > nn) {
      group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
      groups.push(group);
      group = [];
      i1 = Math.max(i1, i2 - n);
      j1 = Math.max(j1, j2 - n);
    }
    group.push([tag, i1, i2, j1, j2]);
  }
  if (group.length && !(group.length === 1 && group[0][0] === 'equal')) groups.push(group);
  return groups;
}
