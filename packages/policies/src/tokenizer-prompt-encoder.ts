import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Prompt, PromptEncoder } from '@srl/core';
import { configFromHf } from './checkpoint/hf-config';
import { readJsonObject } from './checkpoint/read-json-object';
import { transformerPreset } from './model/presets';
import type { TfjsTransformerPolicyOptions } from './tfjs-transformer-policy';
import { loadTokenizer, type Tokenizer } from './tokenizers/index';

/**
 * The prompt side of the tfjs policy: chat template, BOS rule and tokenizer, with the model's context length.
 * `fromOptions` builds it from the policy's options without reading or creating weights (what `srl validate`
 * measures prompts with); the policy formats its own prompts through one.
 */
export class TokenizerPromptEncoder implements PromptEncoder {
  constructor(
    readonly tokenizer: Tokenizer,
    readonly contextLength: number,
  ) {}

  /** The tokenizer and context the policy created from `options` would have: a checkpoint's config.json and tokenizer, or the preset's. */
  static fromOptions(
    options: Pick<TfjsTransformerPolicyOptions, 'preset' | 'config' | 'checkpoint' | 'tokenizer' | 'chatTemplate'>,
    baseDir: string,
  ): TokenizerPromptEncoder {
    const resolve = (p: string): string => path.resolve(baseDir, p);
    if (!options.checkpoint)
      return new TokenizerPromptEncoder(
        loadTokenizerOption(options.tokenizer ?? 'byte', resolve, options.chatTemplate),
        { ...transformerPreset(options.preset), ...options.config }.maxPositions,
      );
    const dir = resolve(options.checkpoint);
    const configFile = path.join(dir, 'config.json');
    const config = configFromHf(readJsonObject(configFile), configFile);
    const tokenizer = options.tokenizer
      ? loadTokenizerOption(options.tokenizer, resolve, options.chatTemplate)
      : loadTokenizerOption(existsSync(path.join(dir, 'tokenizer.json')) ? dir : 'byte', (p) => p, options.chatTemplate);
    return new TokenizerPromptEncoder(tokenizer, config.maxPositions);
  }

  /** Chats go through the tokenizer's template (ending with the assistant header); a string is used as given. */
  formatPrompt(prompt: Prompt): string {
    if (typeof prompt === 'string') return prompt;
    const text = this.tokenizer.applyChatTemplate(prompt, { addGenerationPrompt: true });
    const bos = this.tokenizer.bosTokenId;
    // Models trained here always see BOS first, whether or not the template writes it.
    if (bos !== null && this.tokenizer.encode(text)[0] !== bos) return `${this.tokenizer.decode([bos])}${text}`;
    return text;
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }
}

/** "byte", or a folder with tokenizer.json (resolved with `resolve`). */
export function loadTokenizerOption(spec: string, resolve: (p: string) => string, chatTemplate?: string): Tokenizer {
  return spec === 'byte' ? loadTokenizer({ kind: 'byte' }, { chatTemplate }) : loadTokenizer(resolve(spec), { chatTemplate });
}
