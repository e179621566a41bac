import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRewards, loadRecipe, pluginRefName, SrlError, stageRewards, type Logger, type RewardModel } from '@srl/core';
import { parseOptionsFlag } from '../parse-options-flag';
import { createPluginEnvironment } from '../plugin-environment';

const RECIPE_FILE = /\.(ya?ml|json)$/i;

/**
 * The reward `srl serve reward` serves: a reward plugin with `--options` (as `srl reward` takes
 * it), or, when `target` is a recipe file, the weighted rewards of one of its stages (as
 * `srl train` composes them, the trainer's default reward when the stage names none).
 */
export async function createServedReward(o: { target: string; options?: string; stage?: number; plugins?: string[]; logger: Logger }): Promise<RewardModel> {
  const isRecipe = RECIPE_FILE.test(o.target) || existsSync(o.target);
  if (!isRecipe) {
    const env = await createPluginEnvironment();
    if (o.plugins?.length) await env.loadPlugins(o.plugins, process.cwd());
    return env.registry.create('reward', [o.target, parseOptionsFlag(o.options)], { logger: o.logger, baseDir: process.cwd() }, 'reward');
  }
  if (o.options !== undefined)
    throw new SrlError('usage', `--options applies to a reward plugin name, but ${o.target} is a recipe (its rewards carry their own options)`);
  const env = await createPluginEnvironment();
  const recipe = await loadRecipe(o.target, env);
  const index = o.stage ?? recipe.stages.findIndex((s) => s.rewards.length > 0);
  const stage = recipe.stages[Math.max(0, index)];
  if (!stage)
    throw new SrlError('usage', `${o.target}: has no stage ${o.stage}; its stages are ${recipe.stages.map((s, i) => `${i} (${s.name})`).join(', ') || 'none'}`);
  const deps = { logger: o.logger, baseDir: path.dirname(recipe.file) };
  const trainer = await env.registry.create('trainer', stage.trainer, deps, stage.path);
  const entries = stageRewards(stage.rewards, trainer);
  if (!entries.length)
    throw new SrlError(
      'validation',
      `${stage.path}: has no rewards and trainer "${pluginRefName(stage.trainer)}" has no default reward; name one in the recipe's "rewards" or serve a reward plugin by name`,
    );
  o.logger.log('info', `serving the rewards of ${o.target} stage ${stage.name}: ${entries.map((e) => `${e.weight} x ${pluginRefName(e.reward)}`).join(' + ')}`);
  return createRewards(env.registry, entries, deps);
}
