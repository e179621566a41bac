/**
 * The in-process policy: a TensorFlow.js decoder-only transformer (GPT-2 or Llama/Qwen2 style) with its
 * tokenizer, KV-cached sampling, scoring and AdamW training, saved in the Hugging Face layout.
 * Calls are meant to be sequential (as the trainers make them): overlapping `generate` calls would
 * interleave the one seeded random stream.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  POLICY_SPEC_VERSION,
  SeededRng,
  SrlError,
  type Generation,
  type Logger,
  type Prompt,
  type SamplingParams,
  type ScoredSequence,
  type ScoreOptions,
  type SequenceScores,
  type TrainablePolicy,
  type TrainStepInput,
  type TrainStepResult,
} from '@srl/core';
import { selectBackend, type BackendName } from './backend/select-backend';
import { loadHfCheckpoint, normalizeHfTensorNames, readTensorState, saveHfCheckpoint, writeHfCheckpointFiles } from './checkpoint/index';
import { generate, type GenerateOptions } from './generation/generate';
import { transformerPreset } from './model/presets';
import { Transformer } from './model/transformer';
import type { TransformerConfig } from './model/transformer-config';
import { loadTokenizerOption, TokenizerPromptEncoder } from './tokenizer-prompt-encoder';
import { loadTokenizer, type Tokenizer } from './tokenizers/index';
import { GradientPool } from './parallel/gradient-pool';
import { resolveWorkers } from './parallel/resolve-workers';
import { AdamW, type AdamWState } from './training/adamw';
import { scoreSequences } from './training/score';
import { trainStep } from './training/train-step';

export interface TfjsTransformerPolicyOptions {
  /** Starting config (ignored with `checkpoint`, whose config.json wins). */
  preset: string;
  /** Field overrides on the preset, minGPT-style. */
  config: Partial<TransformerConfig>;
  /** A Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json) to start from. */
  checkpoint?: string;
  /** 'byte', or a folder with tokenizer.json; default: the checkpoint's tokenizer, else 'byte'. */
  tokenizer?: string;
  /** A built-in chat template name (chatml, qwen2, llama-2, llama-3, plain) or Jinja source. */
  chatTemplate?: string;
  backend: BackendName | 'auto';
  seed: number;
  weightDecay: number;
  /** Weight dtype of saved checkpoints ('F32' is bit-exact). */
  saveDtype: 'F32' | 'F16' | 'BF16';
  /** Sequences per forward pass when scoring (bounds memory for long validation sets). */
  scoreBatchSize?: number;
  /**
   * Estimated activation memory of one forward/backward pass, in MB: a train step or scoring call that would need
   * more is split into micro-batches (gradient accumulation; same result to float rounding), unless the trainer
   * sets `microBatchSize`. 0 = no limit. Default 256 (the wasm heap never shrinks, and stops at 4 GiB).
   */
  memoryBudgetMb?: number;
  /**
   * Threads that compute a train step's micro-batch gradients (data parallel: the main thread plus workers - 1
   * worker threads, each with a replica; gradients summed in micro-batch order, one AdamW step on the main copy).
   * 'auto': the available cores on the wasm and cpu backends, 1 on tensorflow (already multi-threaded).
   * Default 1.
   */
  workers?: number | 'auto';
}

const DEFAULT_MEMORY_BUDGET_MB = 256;

export class TfjsTransformerPolicy implements TrainablePolicy {
  readonly specVersion = POLICY_SPEC_VERSION;
  readonly trainable = true;
  readonly name: string;
  private optimizer: AdamW;
  private rng: SeededRng;
  /** Ids that end a sample: the tokenizer's EOS and end-of-turn tokens, plus a checkpoint's generation_config eos ids. */
  private readonly stopTokenIds: number[];
  private readonly prompts: TokenizerPromptEncoder;
  /** Started on the first train step with workers > 1. */
  private pool: Promise<GradientPool> | null = null;

  private constructor(
    readonly model: Transformer,
    readonly tokenizer: Tokenizer,
    readonly backend: BackendName,
    private readonly options: TfjsTransformerPolicyOptions,
    extraStopTokenIds: readonly number[] = [],
  ) {
    this.stopTokenIds = [...new Set([...tokenizer.stopTokenIds, ...extraStopTokenIds])];
    this.prompts = new TokenizerPromptEncoder(tokenizer, model.config.maxPositions);
    this.name = `tfjs-transformer(${model.config.family}, ${model.parameterCount().toLocaleString('en-US')} params, ${backend})`;
    this.optimizer = this.newOptimizer();
    this.rng = new SeededRng(options.seed);
  }

  /** Selects the backend, then builds the model from a checkpoint or from a preset with fresh weights. */
  static async create(options: TfjsTransformerPolicyOptions, context: { logger?: Logger; baseDir?: string } = {}): Promise<TfjsTransformerPolicy> {
    const resolve = (p: string): string => path.resolve(context.baseDir ?? process.cwd(), p);
    const backend = await selectBackend({ backend: options.backend, log: (m) => context.logger?.log('info', m) });
    let model: Transformer;
    let tokenizer: Tokenizer;
    let stopTokenIds: number[] = [];
    if (options.checkpoint) {
      const ckpt = loadHfCheckpoint(resolve(options.checkpoint), { chatTemplate: options.chatTemplate });
      tokenizer = options.tokenizer ? loadTokenizerOption(options.tokenizer, resolve, options.chatTemplate) : (ckpt.tokenizer ?? loadTokenizer({ kind: 'byte' }, { chatTemplate: options.chatTemplate }));
      model = Transformer.fromHuggingFace(ckpt.config, ckpt.tensors);
      stopTokenIds = ckpt.stopTokenIds;
    } else {
      tokenizer = loadTokenizerOption(options.tokenizer ?? 'byte', resolve, options.chatTemplate);
      const config: TransformerConfig = {
        ...transformerPreset(options.preset),
        ...options.config,
        bosTokenId: tokenizer.bosTokenId,
        eosTokenId: tokenizer.eosTokenId,
      };
      config.vocabSize = Math.max(config.vocabSize, tokenizer.vocabSize);
      model = Transformer.random(config, options.seed);
    }
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new SrlError('validation', `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabSize is ${model.config.vocabSize}; use a matching tokenizer`);
    }
    const policy = new TfjsTransformerPolicy(model, tokenizer, backend, options, stopTokenIds);
    context.logger?.log('info', `policy: ${policy.name}`);
    return policy;
  }

  get contextLength(): number {
    return this.model.config.maxPositions;
  }

  get eosTokenId(): number | null {
    return this.tokenizer.eosTokenId;
  }

  private newOptimizer(): AdamW {
    return new AdamW(this.model.variables, { weightDecay: this.options.weightDecay });
  }

  /** Chats go through the tokenizer's template (ending with the assistant header); a string is used as given. */
  formatPrompt(prompt: Prompt): string {
    return this.prompts.formatPrompt(prompt);
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  detokenize(ids: number[]): string {
    return this.tokenizer.decode(ids, { skipSpecialTokens: true });
  }

  /** `onToken` reports each sampled token as it comes (what `srl serve policy` streams). */
  async generate(prompts: Prompt[], params: SamplingParams, hooks: Pick<GenerateOptions, 'onToken'> = {}): Promise<Generation[]> {
    const texts = prompts.map((p) => this.formatPrompt(p));
    const ids = texts.map((t) => this.tokenize(t));
    const rng = params.seed === undefined ? this.rng : new SeededRng(params.seed);
    const out = await generate(this.model, ids, {
      n: params.n ?? 1,
      maxTokens: params.maxTokens,
      temperature: params.temperature ?? 1,
      topP: params.topP ?? 1,
      topK: params.topK ?? 0,
      eosTokenIds: this.stopTokenIds,
      ...(params.stop?.length ? { stop: params.stop } : {}),
      detokenize: (t) => this.detokenize(t),
      rng,
      ...(hooks.onToken ? { onToken: hooks.onToken } : {}),
    });
    return out.map((samples, i) => ({
      promptText: texts[i],
      promptTokenIds: ids[i],
      samples: samples.map((s) => ({ text: s.text ?? this.detokenize(s.tokenIds), tokenIds: s.tokenIds, logprobs: s.logprobs, finishReason: s.finishReason })),
    }));
  }

  async score(sequences: ScoredSequence[], options: ScoreOptions = {}): Promise<SequenceScores[]> {
    return scoreSequences(this.model, sequences, this.options.scoreBatchSize, options.temperature ?? 1, this.memoryBudgetBytes());
  }

  async trainStep(input: TrainStepInput): Promise<TrainStepResult> {
    return trainStep(this.model, this.optimizer, input, this.memoryBudgetBytes(), await this.gradientPool());
  }

  /** Threads a train step uses (the `workers` option resolved). */
  get workerCount(): number {
    return resolveWorkers(this.options.workers, this.backend);
  }

  private async gradientPool(): Promise<GradientPool | null> {
    const lanes = this.workerCount;
    if (lanes <= 1) return null;
    this.pool ??= GradientPool.start({ lanes, config: this.model.config, backend: this.backend });
    return this.pool;
  }

  private memoryBudgetBytes(): number {
    return (this.options.memoryBudgetMb ?? DEFAULT_MEMORY_BUDGET_MB) * 2 ** 20;
  }

  async save(dir: string): Promise<void> {
    const state = this.optimizer.state();
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, variable] of this.model.variables) {
      const m = state.m.get(name);
      const v = state.v.get(name);
      if (m) tensors.set(`m.${name}`, { shape: variable.shape, data: m });
      if (v) tensors.set(`v.${name}`, { shape: variable.shape, data: v });
    }
    // A new folder is created atomically as a whole; into an existing one (a CheckpointStore's temp folder)
    // each file is written atomically.
    const write = existsSync(dir) ? writeHfCheckpointFiles : saveHfCheckpoint;
    write(dir, {
      config: this.model.config,
      // GPT-2 tensors get the `transformer.` prefix GPT2LMHeadModel saves with.
      tensors: normalizeHfTensorNames(this.model.config, this.model.toHuggingFace()),
      tokenizer: this.tokenizer,
      dtype: this.options.saveDtype,
      optimizerState: { tensors, state: { step: state.step, rng: this.rng.state() } },
    });
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadHfCheckpoint(dir, { tokenizer: false });
    this.model.loadHuggingFace(ckpt.tensors);
    const saved = readTensorState(dir);
    this.resetOptimizer();
    if (saved) {
      const restored: AdamWState = { step: saved.state.step as number, m: new Map(), v: new Map() };
      for (const [key, t] of saved.tensors) (key.startsWith('m.') ? restored.m : restored.v).set(key.slice(2), t.data);
      this.optimizer.setState(restored);
      if (saved.state.rng !== undefined) this.rng.setState(saved.state.rng);
    }
  }

  resetOptimizer(): void {
    this.optimizer.dispose();
    this.optimizer = this.newOptimizer();
  }

  rngState(): unknown {
    return this.rng.state();
  }

  setRngState(state: unknown): void {
    this.rng.setState(state);
  }

  dispose(): void {
    if (this.pool !== null) void this.pool.then((p) => p.dispose()).catch(() => undefined);
    this.pool = null;
    this.optimizer.dispose();
    this.model.dispose();
  }
}
