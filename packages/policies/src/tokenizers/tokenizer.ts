import type { ChatMessage } from '@srl/core';

export interface EncodeOptions {
  /**
   * Add the tokenizer's own special tokens around the text (e.g. Llama's BOS), as Hugging Face's
   * `add_special_tokens` does. Default false: chat templates already write BOS where a model wants it.
   */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (BOS, EOS, PAD, chat markers) from the text. Default false. */
  skipSpecialTokens?: boolean;
}

export interface ChatTemplateOptions {
  /** End with the header of an assistant turn, so that generation writes the reply. Default false. */
  addGenerationPrompt?: boolean;
}

/**
 * Text <-> token ids for a policy. Special-token text (e.g. `<|im_end|>`) inside the input of `encode`
 * becomes its special id, as in Hugging Face tokenizers.
 */
export interface Tokenizer {
  /** 'byte' for the built-in byte tokenizer, 'hf' for a Hugging Face tokenizer.json. */
  readonly kind: 'byte' | 'hf';
  /** One more than the largest id the tokenizer can produce (the model's vocab may be larger). */
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly padTokenId: number | null;
  /** Ids that end a generated reply: EOS plus the chat template's end-of-turn token (e.g. `<|im_end|>`). */
  readonly stopTokenIds: readonly number[];
  /** The Jinja source of the chat template in use. */
  readonly chatTemplate: string;
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** The id of a token given by its exact text (a special token or a vocabulary entry), or null. */
  tokenToId(token: string): number | null;
  /** Render messages to the prompt text (encode it with `encode`). */
  applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions): string;
  /** Write `tokenizer.json` and `tokenizer_config.json` into `dir` (atomically, file by file). */
  save(dir: string): void;
}
