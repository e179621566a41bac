export { SequenceMatcher, type SequenceMatcherOptions } from './sequence-matcher';
export { SimilarityIndex, type Match, type SimilarityOptions } from './similarity-index';
export { sequenceRatio, matchingBlocks, createSimilarityIndex } from './sequence-ratio';
export { opcodesFromBlocks, groupOpcodes, type Opcode, type OpcodeTag } from './opcodes';
export { sequenceLength, type Sequence } from './symbol-table';
