import type { AnyPluginDefinition, PluginDeps } from '../plugins/define-plugin';
import { isPluginDefinition } from '../plugins/define-plugin';
import { PluginRegistry } from '../plugins/plugin-registry';
import type { RewardInput, RewardModel } from '../contracts/reward-model';
import { quietLogger } from './quiet-logger';

export interface ConformanceReport {
  /** Names of the checks that passed. */
  passed: string[];
  /** One line per failed check: what was expected and what was found. */
  failures: string[];
}

export interface RewardConformanceOptions {
  /** Options to create the plugin with (defaults are applied). */
  options?: Record<string, unknown>;
  /** Realistic inputs for this reward; at least two. */
  inputs: RewardInput[];
  /** An options object the plugin must refuse (default: one with an unknown key). */
  invalidOptions?: Record<string, unknown>;
}

/**
 * Checks that a reward plugin honours the RewardModel contract: it registers, validates its
 * options (and refuses bad ones), returns exactly one result per input for empty, single and
 * batched calls, in order, with finite numbers or null, and does not mutate its inputs.
 * Use it from any test runner: `expect((await checkRewardPlugin(plugin, {...})).failures).toEqual([])`.
 */
export async function checkRewardPlugin(definition: AnyPluginDefinition, options: RewardConformanceOptions): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: [], failures: [] };
  const check = async (name: string, fn: () => void | Promise<void>): Promise<void> => {
    try {
      await fn();
      report.passed.push(name);
    } catch (error) {
      report.failures.push(`${name}: ${(error as Error).message}`);
    }
  };
  const expect = (ok: boolean, message: string): void => {
    if (!ok) throw new Error(message);
  };

  await check('is a plugin definition of kind reward', () => {
    expect(isPluginDefinition(definition), 'not created with definePlugin()');
    expect(definition.kind === 'reward', `kind is "${definition.kind}", expected "reward"`);
  });
  const registry = new PluginRegistry();
  await check('registers (options schema compiles in strict mode)', () => registry.register(definition, 'conformance'));
  if (report.failures.length) return report;

  await check('defaults validate against the options schema', () => {
    const { errors } = registry.resolve('reward', [definition.name, {}], 'options');
    expect(errors.length === 0, `defaults are invalid: ${errors.join('; ')}`);
  });
  await check('refuses invalid options', () => {
    const invalid = options.invalidOptions ?? { __not_an_option__: true };
    const { errors } = registry.resolve('reward', [definition.name, invalid], 'options');
    expect(errors.length > 0, `options ${JSON.stringify(invalid)} were accepted`);
  });

  const deps: Omit<PluginDeps, 'create'> = { logger: quietLogger, baseDir: process.cwd() };
  let model: RewardModel | undefined;
  await check('creates a RewardModel', async () => {
    model = await registry.create('reward', [definition.name, options.options ?? {}], deps);
    expect(model.specVersion === 1, `specVersion is ${String(model.specVersion)}, expected 1`);
    expect(typeof model.name === 'string' && model.name.length > 0, 'name is empty');
    expect(typeof model.score === 'function', 'score is not a function');
  });
  if (!model) return report;
  const m = model;

  const validResults = (inputs: RewardInput[], results: unknown): void => {
    expect(Array.isArray(results), `score() returned ${typeof results}, expected an array`);
    const list = results as { reward: unknown; components: unknown }[];
    expect(list.length === inputs.length, `score() returned ${list.length} results for ${inputs.length} inputs`);
    list.forEach((r, i) => {
      expect(
        r.reward === null || (typeof r.reward === 'number' && Number.isFinite(r.reward)),
        `result ${i}: reward ${String(r.reward)} is not a finite number or null`,
      );
      expect(typeof r.components === 'object' && r.components !== null, `result ${i}: components is not an object`);
      for (const [k, v] of Object.entries(r.components as Record<string, unknown>)) {
        expect(v === null || (typeof v === 'number' && Number.isFinite(v)), `result ${i}: component ${k} = ${String(v)} is not a finite number or null`);
      }
    });
  };

  await check('returns [] for no inputs', async () => validResults([], await m.score([])));
  await check('returns one result per input, finite numbers or null', async () => validResults(options.inputs, await m.score(options.inputs)));
  await check('scores each input the same alone and in a batch, in order', async () => {
    const batch = await m.score(options.inputs);
    for (let i = 0; i < options.inputs.length; i++) {
      const [alone] = await m.score([options.inputs[i]]);
      expect(Object.is(alone.reward, batch[i].reward), `input ${i}: ${String(alone.reward)} alone but ${String(batch[i].reward)} in a batch`);
    }
  });
  await check('does not mutate its inputs', async () => {
    const copy = structuredClone(options.inputs);
    await m.score(copy);
    expect(JSON.stringify(copy) === JSON.stringify(options.inputs), 'inputs changed during score()');
  });
  await m.dispose?.();
  return report;
}
