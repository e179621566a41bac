/**
 * A small but real Qwen2-style tokenizer for tests: byte-level BPE (256 byte symbols + 18 merges), Qwen2's split
 * regex and NFC normalizer, ByteLevel decoder, and `<|endoftext|>`, `<|im_start|>`, `<|im_end|>` as ids 274-276.
 * Its `tokenizer_config.json` carries Qwen2-Instruct's chat template. Vocabulary size 277.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../checkpoint/atomic-write';
import { buildByteLevelBpeJson, QWEN2_SPLIT_PATTERN } from '../byte-level-bpe-json';
import { BUILTIN_CHAT_TEMPLATES } from '../chat-templates';

/** Merge i makes token id 256 + i. */
export const TINY_QWEN2_MERGES = [
  't h',
  'th e',
  'Ġ t',
  'Ġ the',
  'a t',
  'Ġ c',
  'Ġc at',
  'Ġ s',
  'Ġs at',
  'e l',
  'el l',
  'h ell',
  'hell o',
  'Ġ w',
  'o r',
  'Ġw or',
  'Ġwor l',
  'Ġworl d',
] as const;

export const TINY_QWEN2_SPECIAL_TOKENS = [
  { content: '<|endoftext|>', id: 274 },
  { content: '<|im_start|>', id: 275 },
  { content: '<|im_end|>', id: 276 },
] as const;

export function tinyQwen2TokenizerJson(): Record<string, unknown> {
  return buildByteLevelBpeJson({ merges: TINY_QWEN2_MERGES, specialTokens: TINY_QWEN2_SPECIAL_TOKENS, splitPattern: QWEN2_SPLIT_PATTERN, nfc: true });
}

export function tinyQwen2TokenizerConfig(): Record<string, unknown> {
  return {
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      TINY_QWEN2_SPECIAL_TOKENS.map((t) => [
        String(t.id),
        { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
      ]),
    ),
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: null,
    chat_template: BUILTIN_CHAT_TEMPLATES.qwen2,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: 32768,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  };
}

/** Write tokenizer.json and tokenizer_config.json of the tiny tokenizer into `dir`. */
export function writeTinyQwen2Tokenizer(dir: string): void {
  writeFileAtomic(path.join(dir, 'tokenizer.json'), JSON.stringify(tinyQwen2TokenizerJson(), null, 2));
  writeFileAtomic(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tinyQwen2TokenizerConfig(), null, 2));
}
