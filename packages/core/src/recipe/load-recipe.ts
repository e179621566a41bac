import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { SrlError } from '../errors';
import type { PluginKind } from '../plugins/define-plugin';
import { OptionsValidator } from '../plugins/options-validator';
import { pluginRefName, type PluginRef } from '../plugins/plugin-ref';
import type { PluginRegistry } from '../plugins/plugin-registry';
import { applyOverrides } from './apply-overrides';
import { stageFolderName } from '../runner/run-folder';
import { toSafeName } from '../runner/safe-path';
import type { BenchmarkSpec, EvalSpec, Recipe, RewardEntry, StageSpec } from './recipe';
import { recipeSchema } from './recipe-schema';

type RawRewardEntry = PluginRef | { reward: PluginRef; weight?: number; timeoutSeconds?: number };
type RawBenchmark = PluginRef | { name?: string; task: PluginRef };
type RawStage = PluginRef | { name?: string; trainer: PluginRef; task?: PluginRef; rewards?: RawRewardEntry[]; from?: 'final' | 'best' };
interface RawRecipe {
  name?: string;
  description?: string;
  plugins: string[];
  seed: number;
  output?: string;
  policy: PluginRef;
  task?: PluginRef;
  rewards: RawRewardEntry[];
  stages: RawStage[];
  eval?: Omit<EvalSpec, 'benchmarks'> & { benchmarks: RawBenchmark[] };
}

/** Reads a recipe file (JSON, or YAML for .yaml/.yml) into plain data. */
export function readRecipeFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SrlError('usage', `cannot read recipe ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    const where = cause instanceof YAMLParseError ? ` (line ${cause.linePos?.[0].line})` : '';
    throw new SrlError('validation', `recipe ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}${where}: ${(cause as Error).message}`, {
      details: [(cause as Error).message],
      cause,
    });
  }
}

const validator = new OptionsValidator();

/** Validates the recipe's structure (not yet plugin names/options). Returns the raw recipe with defaults, and errors. */
export function validateRecipeStructure(data: unknown): { recipe: RawRecipe; errors: string[] } {
  const { value, errors } = validator.validate<RawRecipe>(recipeSchema, data, '');
  return { recipe: value, errors };
}

function isPluginRef(value: unknown): value is PluginRef {
  return typeof value === 'string' || Array.isArray(value);
}

function expandRewards(entries: RawRewardEntry[], base: string): RewardEntry[] {
  return entries.map((entry, i) =>
    isPluginRef(entry)
      ? { reward: entry, weight: 1, path: `${base}[${i}]` }
      : {
          reward: entry.reward,
          weight: entry.weight ?? 1,
          ...(entry.timeoutSeconds !== undefined ? { timeoutSeconds: entry.timeoutSeconds } : {}),
          path: `${base}[${i}].reward`,
        },
  );
}

/**
 * Checks every plugin reference of a structurally valid recipe against the registry: names exist
 * (with suggestions) and options validate. Fills in plugin defaults. Returns all problems at once.
 */
export function resolveRecipe(
  raw: RawRecipe,
  registry: PluginRegistry,
  file: string,
  /** Structural problems already found: references under these paths are not checked again. */
  known: readonly string[] = [],
): { recipe: Recipe; errors: string[] } {
  const errors: string[] = [];
  const broken = (at: string): boolean => known.some((e) => e.startsWith(at) && /^[:.[]/.test(e.slice(at.length)));
  const check = (kind: PluginKind, ref: PluginRef, at: string): PluginRef => {
    if (!isPluginRef(ref) || broken(at)) return ref;
    const result = registry.resolve(kind, ref, at, true);
    errors.push(...result.errors);
    return [pluginRefName(ref), result.options];
  };
  const name =
    raw.name ??
    path
      .basename(file)
      .replace(/\.(json|ya?ml)$/i, '')
      .replace(/[^\w.-]/g, '-');
  const policy = check('policy', raw.policy, 'policy');
  const task = raw.task === undefined ? undefined : check('task', raw.task, 'task');
  const stageTask = (at: string): PluginRef => {
    if (task === undefined) errors.push(`${at}.task: is required (the recipe has no top-level "task")`);
    return task ?? '';
  };
  const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
  const rewards = expandRewards(list(raw.rewards), 'rewards').map((r) => ({ ...r, reward: check('reward', r.reward, r.path) }));
  const stages: StageSpec[] = list(raw.stages).map((s, i) => {
    const at = `stages[${i}]`;
    if (isPluginRef(s) || typeof s !== 'object' || s === null) {
      return {
        name: toSafeName(`${i}-${pluginRefName(s as PluginRef)}`),
        trainer: check('trainer', s as PluginRef, at),
        task: stageTask(at),
        rewards,
        from: 'final',
        path: at,
      };
    }
    return {
      name: s.name ?? toSafeName(`${i}-${pluginRefName(s.trainer)}`),
      trainer: check('trainer', s.trainer, `${at}.trainer`),
      task: s.task ? check('task', s.task, `${at}.task`) : stageTask(at),
      rewards: Array.isArray(s.rewards) ? expandRewards(s.rewards, `${at}.rewards`).map((r) => ({ ...r, reward: check('reward', r.reward, r.path) })) : rewards,
      from: s.from ?? 'final',
      path: at,
    };
  });
  const folders = stages.map((s, i) => stageFolderName(i, s.name));
  folders.forEach((f, i) => {
    if (folders.indexOf(f) !== i)
      errors.push(
        `stages[${i}].name: "${stages[i].name}" gives the stage folder stages/${f}, which stages[${folders.indexOf(f)}] already uses; give each stage its own name`,
      );
  });
  const evalSpec = raw.eval && { ...raw.eval, benchmarks: benchmarkSpecs(list(raw.eval.benchmarks), check, errors) };
  const output = raw.output ?? path.join('runs', name);
  const recipe: Recipe = {
    name,
    file,
    plugins: raw.plugins,
    seed: raw.seed,
    output,
    policy,
    ...(task !== undefined ? { task } : {}),
    rewards,
    stages,
    ...(raw.description ? { description: raw.description } : {}),
    ...(evalSpec ? { eval: evalSpec } : {}),
  };
  return { recipe, errors };
}

/** Benchmarks with unique, path-safe names: explicit, or the task's name (plus a hash of its options when two share a task). */
function benchmarkSpecs(raw: RawBenchmark[], check: (kind: PluginKind, ref: PluginRef, at: string) => PluginRef, errors: string[]): BenchmarkSpec[] {
  const specs = raw.map((b, i) => {
    const long = !isPluginRef(b) && typeof b === 'object' && b !== null;
    const at = long ? `eval.benchmarks[${i}].task` : `eval.benchmarks[${i}]`;
    const ref = long ? b.task : (b as PluginRef);
    return { explicit: long ? b.name : undefined, task: check('task', ref, at), path: at, given: ref };
  });
  // A task that names itself (jsonl-benchmark's "name") is called that; otherwise by its plugin name.
  const base = (s: (typeof specs)[number]): string => {
    const own = Array.isArray(s.task) ? (s.task[1] as { name?: unknown } | undefined)?.name : undefined;
    return toSafeName(typeof own === 'string' ? own : pluginRefName(s.task));
  };
  const shared = (s: (typeof specs)[number]): boolean => specs.filter((o) => !o.explicit && base(o) === base(s)).length > 1;
  const named = specs.map((s) => ({
    name: s.explicit ?? (shared(s) ? `${base(s)}-${shortHash(JSON.stringify(s.task))}` : base(s)),
    task: s.task,
    path: s.path,
  }));
  named.forEach((b, i) => {
    const first = named.findIndex((o) => o.name === b.name);
    if (first !== i)
      errors.push(
        `eval.benchmarks[${i}]: its name "${b.name}" is already used by eval.benchmarks[${first}] (the same task with the same options?); give one a unique "name", as { "task": ..., "name": "..." }`,
      );
  });
  return named;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Runs every plugin's `check` hook once per distinct reference (a stage's task is often the recipe's). */
export async function checkRecipe(recipe: Recipe, registry: PluginRegistry): Promise<string[]> {
  const refs: { kind: PluginKind; ref: PluginRef; at: string }[] = [
    { kind: 'policy', ref: recipe.policy, at: 'policy' },
    ...(recipe.task !== undefined ? [{ kind: 'task' as const, ref: recipe.task, at: 'task' }] : []),
    ...recipe.rewards.map((r) => ({ kind: 'reward' as const, ref: r.reward, at: r.path })),
    ...recipe.stages.flatMap((s) => [
      { kind: 'trainer' as const, ref: s.trainer, at: `${s.path}.trainer` },
      { kind: 'task' as const, ref: s.task, at: `${s.path}.task` },
      ...s.rewards.map((r) => ({ kind: 'reward' as const, ref: r.reward, at: r.path })),
    ]),
    ...(recipe.eval?.benchmarks ?? []).map((b) => ({ kind: 'task' as const, ref: b.task, at: b.path })),
  ];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const { kind, ref, at } of refs) {
    const key = `${kind}:${JSON.stringify(ref)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(...(await registry.check(kind, ref, at, path.dirname(recipe.file))));
  }
  return problems;
}

export interface LoadRecipeOptions {
  registry: PluginRegistry;
  /** Loads the packages named in `plugins` into the registry (the CLI passes its loader). */
  loadPlugins: (specs: string[], recipeDir: string) => Promise<void>;
  /** `--set path=value` overrides, applied before validation and recorded in the recipe. */
  overrides?: readonly string[];
}

/** Reads, validates and resolves a recipe. Throws one SrlError('validation') listing every problem. */
export async function loadRecipe(file: string, options: LoadRecipeOptions): Promise<Recipe> {
  const absolute = path.resolve(file);
  const overrides = options.overrides ?? [];
  const { recipe: raw, errors } = validateRecipeStructure(applyOverrides(readRecipeFile(absolute), overrides));
  const pluginsOk = !errors.some((e) => e.startsWith('plugins'));
  if (pluginsOk && Array.isArray(raw.plugins)) {
    try {
      await options.loadPlugins(raw.plugins, path.dirname(absolute));
    } catch (cause) {
      errors.push(`plugins: ${(cause as Error).message}`);
    }
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    // Plugin references are checked wherever the structure around them is sound, so that every problem shows at once.
    const resolved = resolveRecipe(raw, options.registry, absolute, errors);
    if (errors.length === 0 && resolved.errors.length === 0) errors.push(...(await checkRecipe(resolved.recipe, options.registry)));
    if (errors.length === 0 && resolved.errors.length === 0) return overrides.length ? { ...resolved.recipe, overrides: [...overrides] } : resolved.recipe;
    errors.push(...resolved.errors);
  }
  throw new SrlError('validation', `recipe ${file} is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n  ${errors.join('\n  ')}`, {
    details: errors,
  });
}
