import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionsValidator, pluginRefSchema, SrlError, type PluginRef } from '@srl/core';
import { parse as parseYaml } from 'yaml';
import { readRecipeOutline, type RecipeOutline } from './recipe-outline';

/** One arm: an ordinary srl recipe trained from the base's final checkpoint, once per seed. */
export interface ArmSpec {
  name: string;
  /** Absolute path of the arm's recipe. */
  recipe: string;
  label: string;
  ablation: boolean;
  /** The share of the budget each stage of the recipe gets (one per stage, summing to 1); [1] for one stage. */
  budgetShares: number[];
}

/**
 * Where the arms start: the final checkpoint of a base recipe trained by the experiment, or an existing
 * checkpoint folder used as it is (no training; it must exist when the experiment runs).
 */
export type BaseSpec = { kind: 'recipe'; recipe: string } | { kind: 'checkpoint'; checkpoint: string };

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
  /** The budget of each arm-seed (generated + trained tokens). */
  perArm: number;
  /**
   * True: every stage of an arm gets `perArm × its budget share` as its trainer's `tokenBudget`, so it ends
   * once that much is spent (its step count is an upper bound). False: the budget is only logged.
   */
  enforce: boolean;
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
  /** The base policy (paths absolute). */
  base: BaseSpec;
  /** The recipe whose `policy` the evaluations build (the base recipe, or the first arm's for a checkpoint base). */
  evalPolicyRecipe: string;
  /** That recipe's `policy` as written, [name, options]. */
  evalPolicy: [string, Record<string, unknown>];
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
    base: {
      description: 'the base policy: a recipe trained first (path relative to this file), or { checkpoint: <folder> } used as it is',
      oneOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          properties: { checkpoint: { type: 'string', minLength: 1, description: 'checkpoint folder, relative to this file; must exist at run time' } },
          required: ['checkpoint'],
          additionalProperties: false,
        },
      ],
    },
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
          budgetShares: {
            type: 'array',
            items: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
            minItems: 1,
            description: "share of the budget per stage of the arm's recipe, summing to 1 (default [1] for a one-stage recipe)",
          },
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
        enforce: { type: 'boolean', default: true, description: "end each arm's stages at its budget (tokenBudget); false: only log the spend" },
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

type RawSpec = Omit<ExperimentSpec, 'file' | 'smoke' | 'base' | 'arms' | 'evalPolicyRecipe' | 'evalPolicy'> & {
  base: string | { checkpoint: string };
  arms: (Omit<ArmSpec, 'budgetShares'> & { budgetShares?: number[] })[];
  smoke: Partial<SmokeSpec> & Omit<SmokeSpec, 'seeds'>;
};

/**
 * Each arm's budget shares, one per stage of its recipe (`stages`: each arm's stage count, null where its recipe
 * has problems of its own, reported apart); problems are pushed as `path: message` lines.
 */
function budgetShares(arms: RawSpec['arms'], stages: (number | null)[], problems: string[]): number[][] {
  return arms.map((arm, i) => {
    const n = stages[i];
    if (n === null) return arm.budgetShares ?? [1];
    const shares = arm.budgetShares ?? (n === 1 ? [1] : null);
    if (shares === null) {
      problems.push(
        `arms[${i}].budgetShares: ${arm.recipe} has ${n} stages; say how they split the budget, e.g. budgetShares: [${Array.from({ length: n }, () => (1 / n).toFixed(2)).join(', ')}]`,
      );
    } else if (shares.length !== n) {
      problems.push(`arms[${i}].budgetShares: ${shares.length} shares for the ${n} stages of ${arm.recipe}; give one share per stage`);
    } else if (Math.abs(shares.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
      problems.push(`arms[${i}].budgetShares: [${shares.join(', ')}] sums to ${shares.reduce((a, b) => a + b, 0)}; the shares must sum to 1`);
    }
    return shares ?? [1];
  });
}

/**
 * Each stage's token budget: `perArm × share`, rounded, the last stage taking what rounding left so the
 * stages sum to `perArm` exactly.
 */
export function stageBudgets(perArm: number, shares: readonly number[]): number[] {
  const budgets = shares.map((s) => Math.round(perArm * s));
  budgets[budgets.length - 1] = perArm - budgets.slice(0, -1).reduce((a, b) => a + b, 0);
  return budgets;
}

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
    // A checkpoint base is checked when the experiment runs (it may be downloaded after validating the file).
    if (typeof value.base === 'string') check('base', value.base);
    value.arms.forEach((arm, i) => check(`arms[${i}].recipe`, arm.recipe));
  }
  // Every recipe read once, through core's reader and recipe schema: the base's (when it is a recipe) and each arm's.
  const outline = (at: string, rel: string): RecipeOutline | null => {
    const file = path.resolve(path.dirname(abs), rel);
    if (!existsSync(file)) return null; // reported above
    const r = readRecipeOutline(file, at);
    if ('problems' in r) problems.push(...r.problems);
    else if (r.outline.stages === 0) problems.push(`${at}: ${file} has no stages; the experiment trains it, so it needs at least one`);
    return 'outline' in r ? r.outline : null;
  };
  const baseOutline = !errors.length && typeof value.base === 'string' ? outline('base', value.base) : null;
  const armOutlines = errors.length ? [] : value.arms.map((arm, i) => outline(`arms[${i}].recipe`, arm.recipe));
  // Shares matter only when the budget is enforced (they set each stage's tokenBudget).
  const stages = armOutlines.map((o) => (o === null || o.stages === 0 ? null : o.stages));
  const shares = errors.length ? [] : budgetShares(value.arms, stages, value.budget.enforce === false ? [] : problems);
  if (problems.length)
    throw new SrlError('validation', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      details: problems,
    });
  const dir = path.dirname(abs);
  const base: BaseSpec =
    typeof value.base === 'string'
      ? { kind: 'recipe', recipe: path.resolve(dir, value.base) }
      : { kind: 'checkpoint', checkpoint: path.resolve(dir, value.base.checkpoint) };
  const arms = value.arms.map((arm, i) => ({ ...arm, recipe: path.resolve(dir, arm.recipe), ablation: arm.ablation ?? false, budgetShares: shares[i] }));
  return {
    ...value,
    file: abs,
    base,
    evalPolicyRecipe: base.kind === 'recipe' ? base.recipe : arms[0].recipe,
    evalPolicy: ((base.kind === 'recipe' ? baseOutline : armOutlines[0]) as RecipeOutline).policy,
    arms,
    budget: { ...value.budget, enforce: value.budget.enforce ?? true },
    smoke: { ...value.smoke, seeds: value.smoke.seeds ?? [value.seeds[0]] },
  };
}
