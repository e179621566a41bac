/**
 * Checkpoints in the Hugging Face layout: `config.json`, `generation_config.json`, `model.safetensors`
 * (or shards + `model.safetensors.index.json` on load), `tokenizer.json` + `tokenizer_config.json`.
 * A folder written here loads with `from_pretrained`, and one saved by `transformers` loads here.
 * Saves are atomic: the folder is built beside the target and renamed into place.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '@srl/core';
import type { TransformerConfig } from '../model/transformer-config';
import { loadTokenizer } from '../tokenizers/load-tokenizer';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { findInterruptedSave, writeDirAtomic, writeFileAtomic } from './atomic-write';
import { configFromHf, configToHf, eosTokenIds, TORCH_DTYPES } from './hf-config';
import { normalizeHfTensorNames, validateHfTensors } from './hf-tensor-names';
import { writeTensorState, type TensorStateInput } from './tensor-state';
import { sizeProblems } from '../model/validate-config';
import { readSafetensorsWithMetadata, writeSafetensors, type SafetensorsInput, type SafetensorsTensor } from './safetensors';
import { readJsonObject } from './read-json-object';

type Json = Record<string, unknown>;

export interface HfCheckpoint {
  dir: string;
  config: TransformerConfig;
  /** config.json as read. */
  hfConfig: Json;
  /** Tensors by Hugging Face name (GPT-2 names carry the `transformer.` prefix), values as float32. */
  tensors: Map<string, SafetensorsTensor>;
  /** From tokenizer.json (+ tokenizer_config.json), or null when the folder has none. */
  tokenizer: Tokenizer | null;
  /** generation_config.json as read, or null. */
  generationConfig: Json | null;
  /** Every id that should end generation: generation_config's eos ids (else config.json's) and the tokenizer's stop tokens. */
  stopTokenIds: number[];
}

export interface LoadHfCheckpointOptions {
  /** Check tensor names and shapes against the config (default true). */
  validate?: boolean;
  /** Load the tokenizer if present (default true). */
  tokenizer?: boolean;
  /** Override the tokenizer's chat template (a built-in name or Jinja source). */
  chatTemplate?: string;
}

function readTensors(dir: string): Map<string, SafetensorsTensor> {
  const single = path.join(dir, 'model.safetensors');
  if (existsSync(single)) return readSafetensorsWithMetadata(single).tensors;
  const indexFile = path.join(dir, 'model.safetensors.index.json');
  if (!existsSync(indexFile)) {
    const hint = existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (only pytorch_model.bin is there: convert it to safetensors first)' : '';
    throw new SrlError('validation', `no model.safetensors or model.safetensors.index.json in ${dir}${hint}`);
  }
  const weightMap = readJsonObject(indexFile).weight_map;
  if (typeof weightMap !== 'object' || weightMap === null) throw new SrlError('validation', `${indexFile}: weight_map is missing`);
  const tensors = new Map<string, SafetensorsTensor>();
  const byFile = new Map<string, string[]>();
  for (const [name, file] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\'))
      throw new SrlError('validation', `${indexFile}: ${name} maps to ${JSON.stringify(file)}, expected a file name`);
    byFile.set(file, [...(byFile.get(file) ?? []), name]);
  }
  for (const [file, names] of byFile) {
    const shard = readSafetensorsWithMetadata(path.join(dir, file)).tensors;
    for (const name of names) {
      const t = shard.get(name);
      if (!t) throw new SrlError('validation', `${indexFile} puts ${name} in ${file}, which does not hold it`);
      tensors.set(name, t);
    }
  }
  return tensors;
}

/** Load a checkpoint folder. Throws SrlError('validation') on a missing file, an unsupported config or mismatched tensors. */
export function loadHfCheckpoint(dir: string, options: LoadHfCheckpointOptions = {}): HfCheckpoint {
  const configFile = path.join(dir, 'config.json');
  if (!existsSync(configFile)) {
    const old = findInterruptedSave(dir);
    const hint = old ? `; an interrupted save left the previous checkpoint at ${old}` : '';
    throw new SrlError('validation', `no checkpoint at ${dir}: config.json is missing${hint}`);
  }
  const hfConfig = readJsonObject(configFile);
  const config = configFromHf(hfConfig, configFile);
  // Before reading tensors: a hostile size fails here, not after allocating gigabytes.
  const tooBig = sizeProblems(config);
  if (tooBig.length) throw new SrlError('validation', `${configFile}: ${tooBig.join('; ')}; this is not a model srl can load here`);
  const tensors = normalizeHfTensorNames(config, readTensors(dir));
  if (options.validate ?? true) validateHfTensors(config, tensors, dir);
  for (const [name, t] of tensors) {
    const at = t.data.findIndex((x) => !Number.isFinite(x));
    if (at >= 0)
      throw new SrlError(
        'data',
        `${dir}: weight ${name} holds ${t.data[at]} at index ${at}; the checkpoint is damaged or was saved after training diverged (use an earlier checkpoint)`,
      );
  }

  const hasTokenizer = existsSync(path.join(dir, 'tokenizer.json'));
  const tokenizer = (options.tokenizer ?? true) && hasTokenizer ? loadTokenizer(dir, { chatTemplate: options.chatTemplate }) : null;
  if (tokenizer && tokenizer.vocabSize > config.vocabSize) {
    throw new SrlError('validation', `${dir}: the tokenizer has ${tokenizer.vocabSize} ids but config.json vocab_size is ${config.vocabSize}`);
  }
  const genFile = path.join(dir, 'generation_config.json');
  const generationConfig = existsSync(genFile) ? readJsonObject(genFile) : null;
  const eos = generationConfig && 'eos_token_id' in generationConfig ? eosTokenIds(generationConfig) : eosTokenIds(hfConfig);
  const stopTokenIds = [...new Set([...eos, ...(tokenizer?.stopTokenIds ?? [])])];
  return { dir, config, hfConfig, tensors, tokenizer, generationConfig, stopTokenIds };
}

export interface HfCheckpointInput {
  config: TransformerConfig;
  /** Tensors by Hugging Face name (see `expectedHfTensors`). Their own dtypes are ignored: all are written as `dtype`. */
  tensors: ReadonlyMap<string, SafetensorsInput> | Readonly<Record<string, SafetensorsInput>>;
  tokenizer?: Tokenizer | null;
  /** Keys merged over the default generation_config.json (bos, eos list incl. the tokenizer's stop ids, pad). */
  generationConfig?: Json;
  /** Keys merged into config.json (e.g. provenance). */
  extraConfig?: Json;
  /** Weight dtype, default 'F32' (bit-exact). */
  dtype?: keyof typeof TORCH_DTYPES;
  /** Check tensor names and shapes against the config first (default true). */
  validate?: boolean;
  /** Optimizer state for resuming, written as optimizer.safetensors + optimizer.json (read it with `readTensorState`). */
  optimizerState?: TensorStateInput;
}

/** Write a checkpoint's files into an existing folder (e.g. a CheckpointStore's temp folder). Each file is written atomically. */
export function writeHfCheckpointFiles(dir: string, input: HfCheckpointInput): void {
  const dtype = input.dtype ?? 'F32';
  const entries = input.tensors instanceof Map ? [...input.tensors.entries()] : Object.entries(input.tensors);
  const tensors = new Map(entries.map(([name, t]) => [name, { shape: t.shape, data: t.data, dtype }]));
  if (input.validate ?? true) validateHfTensors(input.config, tensors, 'tensors to save');
  const tok = input.tokenizer ?? null;
  if (tok && tok.vocabSize > input.config.vocabSize) {
    throw new SrlError('validation', `the tokenizer has ${tok.vocabSize} ids but the model's vocabSize is ${input.config.vocabSize}`);
  }
  const hfConfig = { ...configToHf(input.config, { torchDtype: TORCH_DTYPES[dtype] }), ...input.extraConfig };
  const eos = [...new Set([input.config.eosTokenId, ...(tok?.stopTokenIds ?? [])].filter((id): id is number => id !== null))];
  const generation: Json = {
    bos_token_id: input.config.bosTokenId,
    eos_token_id: eos.length === 1 ? eos[0] : eos,
    ...(tok?.padTokenId !== null && tok?.padTokenId !== undefined ? { pad_token_id: tok.padTokenId } : {}),
    ...input.generationConfig,
  };
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors, { metadata: { format: 'pt' } });
  writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(hfConfig, null, 2)}\n`);
  writeFileAtomic(path.join(dir, 'generation_config.json'), `${JSON.stringify(generation, null, 2)}\n`);
  tok?.save(dir);
  if (input.optimizerState) writeTensorState(dir, input.optimizerState, 'optimizer');
}

/** Save a checkpoint folder atomically, replacing any existing one at `dir`. */
export function saveHfCheckpoint(dir: string, input: HfCheckpointInput): void {
  writeDirAtomic(dir, (tmp) => writeHfCheckpointFiles(tmp, input));
}
