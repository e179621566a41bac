/**
 * A Hugging Face tokenizer (`tokenizer.json` + `tokenizer_config.json`: BPE for Qwen2, Llama, GPT-2, ...) run by
 * @huggingface/tokenizers, with the chat template from the config (or `chat_template.jinja`, or a built-in one).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer as HfTokenizerEngine } from '@huggingface/tokenizers';
import { SrlError, type ChatMessage } from '@srl/core';
import { writeFileAtomic } from '../checkpoint/atomic-write';
import { detectChatTemplate, renderChatTemplate, resolveChatTemplate, stopTokensFor } from './chat-templates';
import type { ChatTemplateOptions, DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer';
import { readJsonObject } from '../checkpoint/read-json-object';

export interface HfTokenizerInput {
  /** The parsed `tokenizer.json`. */
  tokenizerJson: Record<string, unknown>;
  /** The parsed `tokenizer_config.json` (special token names, chat template, ...). Default `{}`. */
  tokenizerConfig?: Record<string, unknown>;
  /** A built-in template name or Jinja source; overrides the config's. Without either, one is picked from the special tokens. */
  chatTemplate?: string;
  /** Names the source in error messages. */
  source?: string;
}

/** `bos_token` and friends are a string, an AddedToken object `{ content }`, or null. */
function tokenText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return null;
}

/** `chat_template` is a string, or a list of `{ name, template }` (the 'default' one is used). */
function configTemplate(config: Record<string, unknown>): string | null {
  const t = config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t as { name?: unknown; template?: unknown }[];
    const chosen = named.find((x) => x.name === 'default') ?? named[0];
    if (chosen && typeof chosen.template === 'string') return chosen.template;
  }
  return null;
}

export class HfTokenizer implements Tokenizer {
  readonly kind = 'hf' as const;
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly padTokenId: number | null;
  readonly stopTokenIds: readonly number[];
  readonly chatTemplate: string;
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
  private readonly engine: HfTokenizerEngine;
  private readonly specialTokenText: Record<string, string | undefined>;
  private readonly cleanUpSpaces: boolean;

  constructor(input: HfTokenizerInput) {
    const source = input.source ?? 'tokenizer.json';
    this.tokenizerJson = input.tokenizerJson;
    this.tokenizerConfig = input.tokenizerConfig ?? {};
    try {
      this.engine = new HfTokenizerEngine(this.tokenizerJson, this.tokenizerConfig);
    } catch (error) {
      throw new SrlError('validation', `${source}: cannot build the tokenizer: ${(error as Error).message}`, { cause: error });
    }
    let maxId = -1;
    for (const id of this.engine.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;

    const config = this.tokenizerConfig;
    this.specialTokenText = {};
    const idOf = (name: string): number | null => {
      const text = tokenText(config[name]);
      if (text === null) return null;
      const id = this.engine.token_to_id(text);
      if (id === undefined) throw new SrlError('validation', `${source}: ${name} ${JSON.stringify(text)} is not in the vocabulary`);
      this.specialTokenText[name] = text;
      return id;
    };
    this.bosTokenId = idOf('bos_token');
    this.eosTokenId = idOf('eos_token');
    this.padTokenId = idOf('pad_token');
    idOf('unk_token');
    this.cleanUpSpaces = config.clean_up_tokenization_spaces === true;

    const has = (t: string): boolean => this.engine.token_to_id(t) !== undefined;
    this.chatTemplate = resolveChatTemplate(input.chatTemplate ?? configTemplate(config) ?? detectChatTemplate(has));
    const specials = [...this.engine.get_added_tokens_decoder().values()].filter((t) => t.special).map((t) => t.content);
    const stops = [this.eosTokenId, ...stopTokensFor(this.chatTemplate, specials).map((t) => this.engine.token_to_id(t)!)];
    this.stopTokenIds = stops.filter((id, i): id is number => id !== null && stops.indexOf(id) === i);
  }

  /** Load `tokenizer.json`, `tokenizer_config.json` (if present) and `chat_template.jinja` (if present) from a folder. */
  static fromDir(dir: string, options: { chatTemplate?: string } = {}): HfTokenizer {
    const jsonFile = path.join(dir, 'tokenizer.json');
    if (!existsSync(jsonFile)) throw new SrlError('validation', `no tokenizer.json in ${dir}`);
    const configFile = path.join(dir, 'tokenizer_config.json');
    const config = existsSync(configFile) ? readJsonObject(configFile) : {};
    const jinjaFile = path.join(dir, 'chat_template.jinja');
    if (existsSync(jinjaFile) && configTemplate(config) === null) config.chat_template = readFileSync(jinjaFile, 'utf8');
    return new HfTokenizer({ tokenizerJson: readJsonObject(jsonFile), tokenizerConfig: config, chatTemplate: options.chatTemplate, source: jsonFile });
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.engine.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.engine.id_to_token(id) === undefined) {
        throw new SrlError('validation', `token id ${id} at position ${i} is not in the tokenizer's vocabulary (size ${this.vocabSize})`);
      }
    });
    if (ids.length === 0) return '';
    return this.engine.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false, clean_up_tokenization_spaces: this.cleanUpSpaces });
  }

  tokenToId(token: string): number | null {
    return this.engine.token_to_id(token) ?? null;
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    return renderChatTemplate({
      template: this.chatTemplate,
      messages,
      addGenerationPrompt: options.addGenerationPrompt,
      specialTokens: this.specialTokenText,
    });
  }

  /** Writes the original tokenizer.json and the config (with the chat template in use, so it reloads the same). */
  save(dir: string): void {
    writeFileAtomic(path.join(dir, 'tokenizer.json'), `${JSON.stringify(this.tokenizerJson, null, 2)}\n`);
    const same = configTemplate(this.tokenizerConfig) === this.chatTemplate;
    const config = same ? this.tokenizerConfig : { ...this.tokenizerConfig, chat_template: this.chatTemplate };
    writeFileAtomic(path.join(dir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
}
