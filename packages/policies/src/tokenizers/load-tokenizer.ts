import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '@srl/core';
import { BYTE_TOKENIZER_MARKER, ByteTokenizer } from './byte-tokenizer';
import { HfTokenizer } from './hf-tokenizer';
import type { Tokenizer } from './tokenizer';

/** What `loadTokenizer` accepts: a checkpoint folder, or a spec object. */
export type TokenizerSpec =
  | string
  | { kind: 'byte'; chatTemplate?: string; extraSpecialTokens?: string[] }
  | { kind: 'hf'; dir: string; chatTemplate?: string };

/**
 * A tokenizer from a folder holding `tokenizer.json` (+ `tokenizer_config.json`) — a ByteTokenizer when the config
 * carries the srl byte marker, else a Hugging Face tokenizer — or from a spec (`{ kind: 'byte' }`).
 * `options.chatTemplate` (a built-in name or Jinja source) overrides the folder's or the spec's template.
 * Throws SrlError('validation') when the folder holds no tokenizer.
 */
export function loadTokenizer(spec: TokenizerSpec, options: { chatTemplate?: string } = {}): Tokenizer {
  if (typeof spec !== 'string') {
    if (spec.kind === 'byte') return new ByteTokenizer({ ...spec, chatTemplate: options.chatTemplate ?? spec.chatTemplate });
    if (spec.kind === 'hf') return HfTokenizer.fromDir(spec.dir, { chatTemplate: options.chatTemplate ?? spec.chatTemplate });
    throw new SrlError('validation', `unknown tokenizer kind ${JSON.stringify((spec as { kind: unknown }).kind)}: expected 'byte' or 'hf'`);
  }
  const configFile = path.join(spec, 'tokenizer_config.json');
  if (existsSync(configFile)) {
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new SrlError('validation', `cannot read ${configFile}: ${(error as Error).message}`, { cause: error });
    }
    if (config?.srl_tokenizer === BYTE_TOKENIZER_MARKER) return ByteTokenizer.fromConfig(config, configFile, options.chatTemplate);
  }
  if (existsSync(path.join(spec, 'tokenizer.json'))) return HfTokenizer.fromDir(spec, options);
  throw new SrlError('validation', `no tokenizer in ${spec}: expected tokenizer.json (and tokenizer_config.json), or use { kind: 'byte' }`);
}
