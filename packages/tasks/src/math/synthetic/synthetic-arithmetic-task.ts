import {
  Default,
  hashString,
  SrlError,
  TASK_SPEC_VERSION,
  Type,
  type PluginOptions,
  type ChatMessage,
  type Example,
  type Instance,
  type InstanceKind,
  type LoadOptions,
  type LoadResult,
  type PluginRef,
  type Task,
} from '@srl/core';
import { NumberedDecomposer } from '../decompose/numbered-decomposer';
import type { MathInstanceBuilder } from '../instances/math-instance-builder';
import { ARITHMETIC_CHAIN_PROPERTIES, generateArithmeticChain } from './arithmetic-chain';
import { Prng } from './prng';

/** The task's configuration, declared once: the chain's knobs and the splits' seeds and sizes. */
export const SYNTHETIC_ARITHMETIC_PROPERTIES = {
  ...ARITHMETIC_CHAIN_PROPERTIES,
  /** Seed of the endless train stream. */
  seed: Default(Type.Integer(), 0),
  /** Seed of the held-out splits; keep it fixed so runs with different `seed`s share test sets. */
  heldOutSeed: Default(Type.Integer(), 20251030),
  testSize: Default(Type.Integer({ minimum: 0 }), 200),
  validationSize: Default(Type.Integer({ minimum: 0 }), 100),
  /** How many train examples `load('train')` returns (the stream itself is endless: `trainExample(i)`). */
  trainSize: Default(Type.Integer({ minimum: 0 }), 10000),
};
const syntheticArithmeticSchema = Type.Object(SYNTHETIC_ARITHMETIC_PROPERTIES);
export type SyntheticArithmeticConfig = PluginOptions<typeof syntheticArithmeticSchema>;

const MAX_ATTEMPTS = 1000;

/**
 * Synthetic curriculum for CPU-scale experiments: chains of integer operations with expert
 * solutions in the SRL numbered format. 'test' and 'validation' are fixed sets per difficulty
 * (steps, digits, operations) and `heldOutSeed`, with unique problems; 'train' example i is drawn
 * from (`seed`, i) alone, so a data cursor resumes at any index, and never repeats a held-out problem.
 */
export class SyntheticArithmeticTask implements Task {
  readonly specVersion = TASK_SPEC_VERSION;
  readonly name = 'math/synthetic-arithmetic';
  readonly evalMetric: { name: string; reward: PluginRef };
  private readonly decomposer = new NumberedDecomposer();
  private readonly difficulty: string;
  private heldOut?: { test: Example[]; validation: Example[]; problems: Set<string> };

  constructor(
    private readonly config: SyntheticArithmeticConfig,
    private readonly builder: MathInstanceBuilder,
    evalMetric: { name: string; reward: PluginRef },
  ) {
    if (config.operations.length === 0)
      throw new SrlError('validation', 'synthetic-arithmetic: "operations" is empty; expected some of add, subtract, multiply, divide');
    this.evalMetric = evalMetric;
    const { steps, digits, startDigits, operations, allowNegative, finalAnswerStep } = config;
    // startDigits joins the key only when set, so the held-out sets of existing difficulties stay the same.
    this.difficulty = JSON.stringify({
      steps,
      digits,
      ...(startDigits !== undefined ? { startDigits } : {}),
      operations: [...operations].sort(),
      allowNegative,
      finalAnswerStep,
    });
  }

  splits(): string[] {
    return ['train', 'validation', 'test'];
  }

  async load(split: string, options: LoadOptions = {}): Promise<LoadResult> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (split === 'train') return { examples: this.trainExamples(0, Math.min(limit, this.config.trainSize)), skipped: [] };
    if (split === 'test' || split === 'validation') return { examples: this.heldOutSets()[split].slice(0, limit), skipped: [] };
    throw new SrlError('validation', `task "${this.name}" has no split "${split}"; its splits are: ${this.splits().join(', ')}`);
  }

  /** Train example `index` of the endless stream (deterministic in seed, difficulty and index). */
  trainExample(index: number): Example {
    const { problems } = this.heldOutSets();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const example = this.generate('train', this.config.seed, index, attempt);
      if (!problems.has(example.problem)) return example;
    }
    throw new SrlError(
      'runtime',
      `synthetic-arithmetic: train example ${index} keeps colliding with held-out problems at difficulty ${this.difficulty}; raise steps or digits, or shrink testSize/validationSize`,
    );
  }

  trainExamples(start: number, count: number): Example[] {
    return Array.from({ length: count }, (_, i) => this.trainExample(start + i));
  }

  instances(example: Example, kind: InstanceKind): Instance[] {
    return this.builder.build(example, kind);
  }

  evalPrompt(example: Example): ChatMessage[] {
    return this.builder.evalPrompt(example);
  }

  private heldOutSets(): { test: Example[]; validation: Example[]; problems: Set<string> } {
    if (this.heldOut) return this.heldOut;
    const problems = new Set<string>();
    const draw = (split: 'test' | 'validation', size: number): Example[] =>
      Array.from({ length: size }, (_, index) => {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const example = this.generate(split, this.config.heldOutSeed, index, attempt);
          if (!problems.has(example.problem)) {
            problems.add(example.problem);
            return example;
          }
        }
        throw new SrlError(
          'validation',
          `synthetic-arithmetic: cannot find ${size} distinct ${split} problems at difficulty ${this.difficulty}; raise steps or digits, or lower testSize/validationSize`,
        );
      });
    const test = draw('test', this.config.testSize);
    const validation = draw('validation', this.config.validationSize);
    this.heldOut = { test, validation, problems };
    return this.heldOut;
  }

  private generate(split: string, seed: number, index: number, attempt: number): Example {
    const rng = new Prng(hashString(`${split}\u0000${seed}\u0000${this.difficulty}\u0000${index}\u0000${attempt}`));
    const chain = generateArithmeticChain(rng, this.config);
    const parsed = this.decomposer.split(chain.solution);
    if (parsed === null) throw new SrlError('runtime', `synthetic-arithmetic produced a solution the numbered decomposer rejects:\n${chain.solution}`);
    return {
      id: `synthetic-arithmetic/${split}/${index}`,
      problem: chain.problem,
      answer: chain.answer,
      solution: chain.solution,
      steps: parsed.steps,
      stepTitles: parsed.titles,
      metadata: { split, index, steps: this.config.steps, digits: this.config.digits, startDigits: this.config.startDigits ?? this.config.digits },
    };
  }
}
