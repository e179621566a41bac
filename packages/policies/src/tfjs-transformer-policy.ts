/**
 * The in-process policy: a TensorFlow.js decoder-only transformer (GPT-2 or Llama/Qwen2 style) with its
 * tokenizer, KV-cached sampling, scoring and AdamW training, saved in the Hugging Face layout.
 * Calls are meant to be sequential (as the trainers make them): overlapping `generate` calls would
 * interleave the one seeded random stream.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  isTokenizedPrompt,
  POLICY_SPEC_VERSION,
  schemaDefaults,
  SeededRng,
  SrlError,
  type FrozenPolicy,
  type Generation,
  type Logger,
  type PolicyPrompt,
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
import { WasmGenerationCopy } from './generation/wasm-generation-copy';
import { selectKernels } from './kernels/select-kernels';
import { transformerPreset } from './model/presets';
import { Transformer } from './model/transformer';
import type { TransformerConfig } from './model/transformer-config';
import { loadTokenizerOption, TokenizerPromptEncoder } from './tokenizer-prompt-encoder';
import { loadTokenizer, type Tokenizer } from './tokenizers/index';
import { GradientPool } from './parallel/gradient-pool';
import { generateAcrossLanes } from './parallel/parallel-generate';
import { resolveWorkers } from './parallel/resolve-workers';
import { AdamW, type AdamWState } from './training/adamw';
import { scoreSequences } from './training/score';
import { trainStep } from './training/train-step';
import { tfjsTransformerOptions, type TfjsTransformerPolicyOptions } from './tfjs-transformer-options';

export type { TfjsTransformerPolicyOptions };

export class TfjsTransformerPolicy implements TrainablePolicy {
  readonly specVersion = POLICY_SPEC_VERSION;
  readonly trainable = true;
  readonly name: string;
  private optimizer: AdamW;
  private rng: SeededRng;
  /** Ids that end a sample: the tokenizer's EOS and end-of-turn tokens, plus a checkpoint's generation_config eos ids. */
  private readonly stopTokenIds: number[];
  private readonly prompts: TokenizerPromptEncoder;
  /** Started on the first train step or generate call with workers > 1. */
  private pool: Promise<GradientPool> | null = null;
  /** The wasm copy `generate` samples on (option generationBackend); null: it samples on the training backend. */
  private readonly generationCopy: WasmGenerationCopy | null;

  private constructor(
    readonly model: Transformer,
    readonly tokenizer: Tokenizer,
    readonly backend: BackendName,
    private readonly options: TfjsTransformerPolicyOptions,
    extraStopTokenIds: readonly number[] = [],
  ) {
    this.stopTokenIds = [...new Set([...tokenizer.stopTokenIds, ...extraStopTokenIds])];
    this.prompts = new TokenizerPromptEncoder(tokenizer, model.config.maxPositions);
    const generationOn = options.generationBackend === 'auto' ? (backend === 'tensorflow' ? 'wasm' : 'same') : options.generationBackend;
    this.generationCopy = generationOn === 'wasm' && backend !== 'wasm' ? new WasmGenerationCopy(model) : null;
    const sampling = this.generationCopy === null ? '' : ', sampling on wasm';
    this.name = `tfjs-transformer(${model.config.family}, ${model.parameterCount().toLocaleString('en-US')} params, ${backend}, ${model.kernels.name} kernels${sampling})`;
    this.optimizer = this.newOptimizer();
    this.rng = new SeededRng(options.seed);
  }

  /** The backend `generate` samples on (see the generationBackend option). */
  get generationBackend(): BackendName {
    return this.generationCopy === null ? this.backend : 'wasm';
  }

  /** Selects the backend, then builds the model from a checkpoint or from a preset with fresh weights. Options left out take the plugin's defaults. */
  static async create(input: Partial<TfjsTransformerPolicyOptions>, context: { logger?: Logger; baseDir?: string } = {}): Promise<TfjsTransformerPolicy> {
    const options: TfjsTransformerPolicyOptions = { ...schemaDefaults(tfjsTransformerOptions), ...input };
    const resolve = (p: string): string => path.resolve(context.baseDir ?? process.cwd(), p);
    const backend = await selectBackend({ backend: options.backend, log: (m) => context.logger?.log('info', m) });
    const kernels = selectKernels(options.kernels, (m) => (context.logger ? context.logger.log('warn', m) : console.warn(m)));
    let model: Transformer;
    let tokenizer: Tokenizer;
    let stopTokenIds: number[] = [];
    if (options.checkpoint) {
      const ckpt = loadHfCheckpoint(resolve(options.checkpoint), { chatTemplate: options.chatTemplate });
      tokenizer = options.tokenizer
        ? loadTokenizerOption(options.tokenizer, resolve, options.chatTemplate)
        : (ckpt.tokenizer ?? loadTokenizer({ kind: 'byte' }, { chatTemplate: options.chatTemplate }));
      model = Transformer.fromHuggingFace(ckpt.config, ckpt.tensors, kernels);
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
      model = Transformer.random(config, options.seed, kernels);
    }
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new SrlError(
        'validation',
        `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabSize is ${model.config.vocabSize}; use a matching tokenizer`,
      );
    }
    const policy = new TfjsTransformerPolicy(model, tokenizer, backend, options, stopTokenIds);
    await policy.generationCopy?.prepare();
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
    return new AdamW(this.model.variables, { weightDecay: this.options.weightDecay, kernels: this.model.kernels });
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

  /**
   * `onToken` reports each sampled token as it comes (what `srl serve policy` streams). A tokenized prompt is
   * sampled from as given; other prompts are formatted and tokenized here.
   */
  async generate(prompts: PolicyPrompt[], params: SamplingParams, hooks: Pick<GenerateOptions, 'onToken'> = {}): Promise<Generation[]> {
    const texts = prompts.map((p) => (isTokenizedPrompt(p) ? p.text : this.formatPrompt(p)));
    const ids = prompts.map((p, i) => (isTokenizedPrompt(p) ? [...p.tokenIds] : this.tokenize(texts[i])));
    const rng = params.seed === undefined ? this.rng : new SeededRng(params.seed);
    const options: GenerateOptions = {
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
    };
    // Sampling on the wasm copy of a native policy's weights (generationBackend), else with workers the prompts are
    // shared between the threads (same samples as one thread: parallel-generate.ts).
    const pool = this.generationCopy === null ? await this.gradientPool() : null;
    const out =
      this.generationCopy !== null
        ? await this.generationCopy.run((model, prefill) => generate(model, ids, { ...options, prefill }))
        : pool === null
          ? await generate(this.model, ids, options)
          : await generateAcrossLanes(pool, this.model, ids, options);
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
    this.generationCopy?.invalidate();
    return trainStep(this.model, this.optimizer, input, this.memoryBudgetBytes(), await this.gradientPool());
  }

  /** Threads a train step uses (the `workers` option resolved). */
  get workerCount(): number {
    return resolveWorkers(this.options.workers, this.backend);
  }

  private async gradientPool(): Promise<GradientPool | null> {
    const lanes = this.workerCount;
    if (lanes <= 1) return null;
    this.pool ??= GradientPool.start({ lanes, config: this.model.config, backend: this.backend, kernels: this.model.kernels.name });
    return this.pool;
  }

  private memoryBudgetBytes(): number {
    return this.options.memoryBudgetMb * 2 ** 20;
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
    this.generationCopy?.invalidate();
    const saved = readTensorState(dir);
    this.resetOptimizer();
    if (saved) {
      const restored: AdamWState = { step: saved.state.step as number, m: new Map(), v: new Map() };
      for (const [key, t] of saved.tensors) (key.startsWith('m.') ? restored.m : restored.v).set(key.slice(2), t.data);
      this.optimizer.setState(restored);
      if (saved.state.rng !== undefined) this.rng.setState(saved.state.rng);
    }
  }

  /**
   * The weights in `dir` (saved by a policy of this architecture) as a scoring-only model: no optimizer moments
   * are read or allocated, so a KL reference costs one copy of the weights instead of three (weights and two
   * AdamW moments). Scores like `score`, with this policy's batch size and memory budget. The caller disposes it.
   */
  async loadFrozen(dir: string): Promise<FrozenPolicy> {
    const ckpt = loadHfCheckpoint(dir, { tokenizer: false });
    const model = Transformer.fromHuggingFace(this.model.config, ckpt.tensors, this.model.kernels);
    const batchSize = this.options.scoreBatchSize;
    const budget = this.memoryBudgetBytes();
    return {
      score: async (sequences, options = {}) => scoreSequences(model, sequences, batchSize, options.temperature ?? 1, budget),
      dispose: () => model.dispose(),
    };
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
    this.generationCopy?.dispose();
    this.model.dispose();
  }
}
