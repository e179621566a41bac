// Port of CPython 3.11 difflib.SequenceMatcher's public API (SRL §4.2 scores steps with its ratio()).
import { opcodesFromBlocks, groupOpcodes, type Opcode } from './opcodes';
import { ratioOf, type Match } from './matching-blocks';
import { SimilarityIndex, type SimilarityOptions } from './similarity-index';
import { sequenceLength, type Sequence } from './symbol-table';

export interface SequenceMatcherOptions extends SimilarityOptions {
  a?: Sequence;
  b?: Sequence;
}

/**
 * `difflib.SequenceMatcher(isjunk, a, b, autojunk)` with the same results, method by method
 * (camelCase names). `b` is indexed once per `setSeq2`; results are cached until a sequence changes.
 * Strings are compared code point by code point; arrays of strings element by element.
 */
export class SequenceMatcher {
  private readonly options: SimilarityOptions;
  private seqA: Sequence = '';
  private seqB: Sequence = '';
  private index: SimilarityIndex;
  private blocks: Match[] | null = null;
  private opcodes: Opcode[] | null = null;

  constructor({ a = '', b = '', ...options }: SequenceMatcherOptions = {}) {
    this.options = options;
    this.seqA = a;
    this.seqB = b;
    this.index = new SimilarityIndex(b, options);
  }

  get a(): Sequence {
    return this.seqA;
  }

  get b(): Sequence {
    return this.seqB;
  }

  /** CPython's `bjunk`. */
  get bjunk(): ReadonlySet<string> {
    return this.index.junk;
  }

  /** CPython's `bpopular`. */
  get bpopular(): ReadonlySet<string> {
    return this.index.popular;
  }

  setSeqs(a: Sequence, b: Sequence): void {
    this.setSeq1(a);
    this.setSeq2(b);
  }

  setSeq1(a: Sequence): void {
    if (a === this.seqA) return;
    this.seqA = a;
    this.blocks = this.opcodes = null;
  }

  setSeq2(b: Sequence): void {
    if (b === this.seqB) return;
    this.seqB = b;
    this.blocks = this.opcodes = null;
    this.index = new SimilarityIndex(b, this.options);
  }

  findLongestMatch(alo?: number, ahi?: number, blo?: number, bhi?: number): Match {
    return this.index.findLongestMatch(this.seqA, { alo, ahi, blo, bhi });
  }

  getMatchingBlocks(): Match[] {
    this.blocks ??= this.index.matchingBlocks(this.seqA);
    return this.blocks;
  }

  getOpcodes(): Opcode[] {
    this.opcodes ??= opcodesFromBlocks(this.getMatchingBlocks());
    return this.opcodes;
  }

  getGroupedOpcodes(n = 3): Opcode[][] {
    return groupOpcodes(this.getOpcodes(), n);
  }

  ratio(): number {
    let matches = 0;
    for (const block of this.getMatchingBlocks()) matches += block.size;
    return ratioOf(matches, sequenceLength(this.seqA) + this.index.length);
  }

  quickRatio(): number {
    return this.index.quickRatio(this.seqA);
  }

  realQuickRatio(): number {
    const la = sequenceLength(this.seqA);
    const lb = this.index.length;
    return ratioOf(Math.min(la, lb), la + lb);
  }
}
