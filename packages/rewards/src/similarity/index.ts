export { SequenceMatcher, type SequenceMatcherOptions } from './sequence-matcher';
export { SimilarityIndex, type Match, type SimilarityOptions } from './similarity-index';
export { sequenceRatio, matchingBlocks, createSimilarityIndex } from './sequence-ratio';
export { opcodesFromBlocks, groupOpcodes, type Opcode, type OpcodeTag } from './opcodes';
export { sequenceLength, type Sequence } from './symbol-table';
export { levenshteinDistance } from './levenshtein-distance';
export { lcsLength } from './lcs-length';
export { similarityTokens, WORD_TOKEN_PATTERN, type TextTokenization } from './similarity-tokens';
export { difflibSimilarity, type DifflibOptions } from './difflib-similarity';
