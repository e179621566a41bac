import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionsValidator, pluginRefSchema, SrlError, type PluginRef } from '@srl/core';
import { parse as parseYaml } from 'yaml';

/** One arm: an ordinary srl recipe trained from the base's final checkpoint, once per seed. */
export interface ArmSpec {
  name: string;
  /** Absolute path of the arm's recipe. */
  recipe: string;
  label: string;
  ablation: boolean;
}

export interface BenchmarkEntry {
  name: string;
  label: string;
  task: PluginRef;
}

export interface ExperimentEvalSpec {
  benchmarks: BenchmarkEntry[];
  /** Problems per benchmark of the base and final evaluations. */
  limit: number;
  /** k samples at `temperature` per problem (avg@k) in the base and final evaluations. */
  samples: number;
  temperature: number;
  maxTokens: number;
  batchSize: number;
  /** Learning curves: up to `points` intermediate checkpoints per arm-seed, greedy, first `limit` problems. */
  curve: { points: number; limit: number };
}

export interface BudgetSpec {
  kind: 'tokens';
  /** The budget each arm-seed is planned to spend (its recipe's step counts were set for it). */
  perArm: number;
  /** Spend outside perArm × (1 ± tolerance) is reported as a warning. */
  tolerance: number;
  rule: string;
}

/** What `--smoke` changes: one seed, a few steps per stage, a tiny evaluation. */
export interface SmokeSpec {
  seeds: number[];
  maxSteps: number;
  evalLimit: number;
  samples: number;
}

export interface ExperimentSpec {
  name: string;
  /** Absolute path of the experiment file. */
  file: string;
  description?: string;
  seeds: number[];
  workers: number;
  /** Absolute path of the base recipe. */
  base: string;
  arms: ArmSpec[];
  eval: ExperimentEvalSpec;
  budget: BudgetSpec;
  smoke: SmokeSpec;
}

const safeName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', maxLength: 64 } as const;

export const experimentSchema = {
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    name: safeName,
    description: { type: 'string' },
    seeds: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, uniqueItems: true },
    workers: { type: 'integer', minimum: 1, maximum: 64, default: 2, description: 'arm-seed runs in parallel (child processes)' },
    base: { type: 'string', minLength: 1, description: 'recipe of the base policy, relative to this file' },
    arms: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          name: safeName,
          recipe: { type: 'string', minLength: 1, description: 'recipe of the arm, relative to this file' },
          label: { type: 'string', minLength: 1 },
          ablation: { type: 'boolean', default: false },
        },
        required: ['name', 'recipe', 'label'],
        additionalProperties: false,
      },
    },
    eval: {
      type: 'object',
      properties: {
        benchmarks: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: { name: safeName, label: { type: 'string', minLength: 1 }, task: pluginRefSchema },
            required: ['name', 'label', 'task'],
            additionalProperties: false,
          },
        },
        limit: { type: 'integer', minimum: 1, default: 100 },
        samples: { type: 'integer', minimum: 0, default: 8 },
        temperature: { type: 'number', minimum: 0, default: 1 },
        maxTokens: { type: 'integer', minimum: 1, default: 256 },
        batchSize: { type: 'integer', minimum: 1, default: 50 },
        curve: {
          type: 'object',
          properties: { points: { type: 'integer', minimum: 0, default: 3 }, limit: { type: 'integer', minimum: 1, default: 50 } },
          additionalProperties: false,
          default: {},
        },
      },
      required: ['benchmarks'],
      additionalProperties: false,
    },
    budget: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['tokens'] },
        perArm: { type: 'integer', minimum: 1 },
        tolerance: { type: 'number', minimum: 0, default: 0.25 },
        rule: { type: 'string', minLength: 1 },
      },
      required: ['kind', 'perArm', 'rule'],
      additionalProperties: false,
    },
    smoke: {
      type: 'object',
      properties: {
        seeds: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, uniqueItems: true },
        maxSteps: { type: 'integer', minimum: 1, default: 2 },
        evalLimit: { type: 'integer', minimum: 1, default: 4 },
        samples: { type: 'integer', minimum: 0, default: 2 },
      },
      additionalProperties: false,
      default: {},
    },
  },
  required: ['name', 'seeds', 'base', 'arms', 'eval', 'budget'],
  additionalProperties: false,
} as const;

type RawSpec = Omit<ExperimentSpec, 'file' | 'smoke'> & { smoke: Partial<SmokeSpec> & Omit<SmokeSpec, 'seeds'> };

/**
 * Reads and validates an experiment file (YAML or JSON): every problem at once, as
 * `path: message` lines, like recipes. Recipe paths are resolved against the file's folder and must exist.
 */
export async function loadExperiment(file: string): Promise<ExperimentSpec> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new SrlError('usage', `experiment file ${abs} does not exist; pass a file such as examples/srl-vs-rlvr/experiment.yaml`);
  let data: unknown;
  try {
    data = parseYaml(await readFile(abs, 'utf8'));
  } catch (cause) {
    throw new SrlError('validation', `${file}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const { value, errors } = new OptionsValidator().validate<RawSpec>(experimentSchema as unknown as Record<string, unknown>, data, '');
  const problems = [...errors];
  if (!errors.length) {
    const seen = new Set<string>();
    for (const [i, arm] of value.arms.entries()) {
      if (seen.has(arm.name)) problems.push(`arms[${i}].name: "${arm.name}" is used twice; arm names name folders and must be unique`);
      seen.add(arm.name);
    }
    const names = value.eval.benchmarks.map((b) => b.name);
    if (new Set(names).size !== names.length) problems.push(`eval.benchmarks: names must be unique, found ${names.join(', ')}`);
    const dir = path.dirname(abs);
    const check = (at: string, rel: string): void => {
      if (!existsSync(path.resolve(dir, rel))) problems.push(`${at}: ${path.resolve(dir, rel)} does not exist (paths are relative to the experiment file)`);
    };
    check('base', value.base);
    value.arms.forEach((arm, i) => check(`arms[${i}].recipe`, arm.recipe));
  }
  if (problems.length)
    throw new SrlError('validation', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      details: problems,
    });
  const dir = path.dirname(abs);
  return {
    ...value,
    file: abs,
    base: path.resolve(dir, value.base),
    arms: value.arms.map((arm) => ({ ...arm, recipe: path.resolve(dir, arm.recipe), ablation: arm.ablation ?? false })),
    smoke: { ...value.smoke, seeds: value.smoke.seeds ?? [value.seeds[0]] },
  };
}
