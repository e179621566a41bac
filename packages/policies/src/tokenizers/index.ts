export * from './tokenizer';
export * from './byte-tokenizer';
export * from './hf-tokenizer';
export * from './chat-templates';
export * from './byte-level-bpe-json';
export * from './load-tokenizer';
