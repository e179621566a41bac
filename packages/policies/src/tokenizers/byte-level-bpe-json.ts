/**
 * Builds Hugging Face `tokenizer.json` objects for byte-level BPE tokenizers (the GPT-2 / Qwen2 / Llama-3 family):
 * the 256 byte symbols of GPT-2's `bytes_to_unicode` table, then one token per merge, then added special tokens.
 * With no merges this is an exact byte tokenizer that `transformers` loads as a `PreTrainedTokenizerFast`.
 */
import { SrlError } from '@srl/core';

/** The pre-tokenizer split pattern of Qwen2 (and, with `\p{N}{1,3}`, of Llama 3). */
export const QWEN2_SPLIT_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

let byteToUnicodeTable: string[] | undefined;

/** GPT-2's reversible byte -> printable character table (`bytes_to_unicode` in the original encoder.py). */
export function byteToUnicode(): readonly string[] {
  if (byteToUnicodeTable) return byteToUnicodeTable;
  const table: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  byteToUnicodeTable = table;
  return table;
}

/** A special token of a built tokenizer: its text and the id it gets. */
export interface SpecialTokenSpec {
  content: string;
  id: number;
}

export interface ByteLevelBpeOptions {
  /** Merges in priority order, each "left right" in byte-level symbols (e.g. "Ġ t"). Default: none. */
  merges?: readonly string[];
  /** Special (added) tokens; ids must be at or after the end of the base vocabulary + merges. */
  specialTokens?: readonly SpecialTokenSpec[];
  /** A regex split before byte-level mapping (Qwen2 style), or null to treat each text as one word. */
  splitPattern?: string | null;
  /** Apply NFC normalization first (Qwen2 does). */
  nfc?: boolean;
}

/**
 * A `tokenizer.json` object for a byte-level BPE. Ids: byte b has id b; merge i has id 256 + i; special tokens the ids given.
 * Throws SrlError('validation') on a merge whose parts are not yet in the vocabulary, or on clashing ids.
 */
export function buildByteLevelBpeJson(options: ByteLevelBpeOptions = {}): Record<string, unknown> {
  const table = byteToUnicode();
  const vocab: Record<string, number> = {};
  table.forEach((symbol, b) => (vocab[symbol] = b));
  const merges = options.merges ?? [];
  merges.forEach((merge, i) => {
    const parts = merge.split(' ');
    if (parts.length !== 2 || !(parts[0] in vocab) || !(parts[1] in vocab)) {
      throw new SrlError('validation', `merge ${i} "${merge}" must be two space-separated symbols already in the vocabulary`);
    }
    const merged = parts[0] + parts[1];
    if (merged in vocab) throw new SrlError('validation', `merge ${i} "${merge}" produces "${merged}", which is already in the vocabulary`);
    vocab[merged] = 256 + i;
  });
  const base = 256 + merges.length;
  const seen = new Set<number>();
  for (const t of options.specialTokens ?? []) {
    if (!Number.isInteger(t.id) || t.id < base || seen.has(t.id)) {
      throw new SrlError('validation', `special token ${JSON.stringify(t.content)} has id ${t.id}; expected a unique integer >= ${base}`);
    }
    seen.add(t.id);
  }
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  const split = options.splitPattern ?? null;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: (options.specialTokens ?? []).map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: options.nfc ? { type: 'NFC' } : null,
    pre_tokenizer:
      split === null
        ? byteLevel
        : { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: split }, behavior: 'Isolated', invert: false }, byteLevel] },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [...merges],
    },
  };
}
