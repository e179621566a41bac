/**
 * A byte-level tokenizer for models trained from scratch: ids 0..255 are the UTF-8 bytes, then special tokens
 * (`<|bos|>`, `<|eos|>`, `<|pad|>`, `<|im_start|>`, `<|im_end|>`, then any extras). Saved as a real Hugging Face
 * byte-level `tokenizer.json` (no merges), so `transformers` loads a checkpoint trained with it and gets the same ids.
 */
import path from 'node:path';
import { SrlError, type ChatMessage } from '@srl/core';
import { writeFileAtomic } from '../checkpoint/atomic-write';
import { buildByteLevelBpeJson } from './byte-level-bpe-json';
import { renderChatTemplate, resolveChatTemplate, stopTokensFor } from './chat-templates';
import type { ChatTemplateOptions, DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer';

/** The built-in special tokens, in id order from 256. */
export const BYTE_SPECIAL_TOKENS = ['<|bos|>', '<|eos|>', '<|pad|>', '<|im_start|>', '<|im_end|>'] as const;

/** The `tokenizer_config.json` marker that tells `loadTokenizer` a folder holds a ByteTokenizer. */
export const BYTE_TOKENIZER_MARKER = 'byte';

export interface ByteTokenizerOptions {
  /** A built-in chat template name or a Jinja source. Default 'chatml' (uses `<|im_start|>` / `<|im_end|>`). */
  chatTemplate?: string;
  /** More special tokens, given ids after the built-in ones. */
  extraSpecialTokens?: readonly string[];
}

export class ByteTokenizer implements Tokenizer {
  readonly kind = 'byte' as const;
  readonly vocabSize: number;
  readonly bosTokenId = 256;
  readonly eosTokenId = 257;
  readonly padTokenId = 258;
  readonly stopTokenIds: readonly number[];
  readonly chatTemplate: string;
  /** All special tokens in id order (id = 256 + index). */
  readonly specialTokens: readonly string[];
  private readonly specialIds: Map<string, number>;
  private readonly splitter: RegExp;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  constructor(options: ByteTokenizerOptions = {}) {
    const extras = options.extraSpecialTokens ?? [];
    this.specialTokens = [...BYTE_SPECIAL_TOKENS, ...extras];
    this.specialIds = new Map(this.specialTokens.map((t, i) => [t, 256 + i]));
    if (this.specialIds.size !== this.specialTokens.length || extras.some((t) => t.length === 0)) {
      throw new SrlError('validation', `ByteTokenizer special tokens must be unique and non-empty; got ${JSON.stringify(this.specialTokens)}`);
    }
    this.vocabSize = 256 + this.specialTokens.length;
    this.chatTemplate = resolveChatTemplate(options.chatTemplate ?? 'chatml');
    this.stopTokenIds = [this.eosTokenId, ...stopTokensFor(this.chatTemplate, this.specialTokens).map((t) => this.specialIds.get(t)!)].filter(
      (id, i, all) => all.indexOf(id) === i,
    );
    // Longest first, so that a special token that prefixes another never wins over it.
    const alternatives = [...this.specialTokens].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.splitter = new RegExp(alternatives.join('|'), 'g');
  }

  /** Rebuild from a saved `tokenizer_config.json` (see `save`); `chatTemplate` overrides the saved template. */
  static fromConfig(config: Record<string, unknown>, source = 'tokenizer_config.json', chatTemplate?: string): ByteTokenizer {
    const specials = config.additional_special_tokens;
    if (!Array.isArray(specials) || !specials.every((s) => typeof s === 'string')) {
      throw new SrlError('validation', `${source}: additional_special_tokens must be a list of strings for a byte tokenizer`);
    }
    const builtins = [config.bos_token, config.eos_token, config.pad_token, ...specials.slice(0, 2)];
    if (JSON.stringify(builtins) !== JSON.stringify(BYTE_SPECIAL_TOKENS)) {
      throw new SrlError(
        'validation',
        `${source}: byte tokenizer special tokens are ${JSON.stringify(builtins)}, expected ${JSON.stringify(BYTE_SPECIAL_TOKENS)}`,
      );
    }
    const template = chatTemplate ?? (typeof config.chat_template === 'string' ? config.chat_template : undefined);
    return new ByteTokenizer({ chatTemplate: template, extraSpecialTokens: specials.slice(2) as string[] });
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = options.addSpecialTokens ? [this.bosTokenId] : [];
    const pushBytes = (s: string): void => {
      for (const b of Buffer.from(s, 'utf8')) ids.push(b);
    };
    let last = 0;
    for (const match of text.matchAll(this.splitter)) {
      pushBytes(text.slice(last, match.index));
      ids.push(this.specialIds.get(match[0])!);
      last = match.index! + match[0].length;
    }
    pushBytes(text.slice(last));
    return ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    let text = '';
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length > 0) text += this.utf8.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new SrlError('validation', `token id ${id} at position ${i} is outside the byte tokenizer's vocabulary [0, ${this.vocabSize})`);
      }
      if (id < 256) {
        bytes.push(id);
        return;
      }
      flush();
      if (!options.skipSpecialTokens) text += this.specialTokens[id - 256];
    });
    flush();
    return text;
  }

  tokenToId(token: string): number | null {
    const special = this.specialIds.get(token);
    if (special !== undefined) return special;
    const bytes = Buffer.from(token, 'utf8');
    return bytes.length === 1 ? bytes[0] : null;
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    return renderChatTemplate({
      template: this.chatTemplate,
      messages,
      addGenerationPrompt: options.addGenerationPrompt,
      specialTokens: { bos_token: '<|bos|>', eos_token: '<|eos|>', pad_token: '<|pad|>' },
    });
  }

  /** The Hugging Face `tokenizer.json` object: a byte-level BPE with no merges; BOS added as a special token. */
  toTokenizerJson(): Record<string, unknown> {
    const json = buildByteLevelBpeJson({ specialTokens: this.specialTokens.map((content, i) => ({ content, id: 256 + i })) });
    json.post_processor = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<|bos|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<|bos|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<|bos|>': { id: '<|bos|>', ids: [this.bosTokenId], tokens: ['<|bos|>'] } },
    };
    return json;
  }

  /** The `tokenizer_config.json` object (loads in `transformers` as a PreTrainedTokenizerFast). */
  toTokenizerConfig(): Record<string, unknown> {
    return {
      tokenizer_class: 'PreTrainedTokenizerFast',
      srl_tokenizer: BYTE_TOKENIZER_MARKER,
      bos_token: '<|bos|>',
      eos_token: '<|eos|>',
      pad_token: '<|pad|>',
      additional_special_tokens: this.specialTokens.slice(3),
      clean_up_tokenization_spaces: false,
      chat_template: this.chatTemplate,
    };
  }

  save(dir: string): void {
    writeFileAtomic(path.join(dir, 'tokenizer.json'), `${JSON.stringify(this.toTokenizerJson(), null, 2)}\n`);
    writeFileAtomic(path.join(dir, 'tokenizer_config.json'), `${JSON.stringify(this.toTokenizerConfig(), null, 2)}\n`);
  }
}
