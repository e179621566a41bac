import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecipe } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { createPluginEnvironment } from '../src/plugin-environment';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

/** A project folder with an installed plugin package whose exports map has only an `import` condition. */
function project(options: { keyword: boolean }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'srl-discovery-'));
  const pkg = path.join(dir, 'node_modules', 'srl-plugin-shout');
  mkdirSync(pkg, { recursive: true });
  // Plain JavaScript only: packages in node_modules are loaded by Node itself, not through the test's TypeScript transform.
  symlinkSync(realpathSync(path.join(repo, 'packages/core/node_modules/inversify')), path.join(dir, 'node_modules/inversify'));
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({
      name: 'srl-plugin-shout',
      version: '1.0.0',
      type: 'module',
      ...(options.keyword ? { keywords: ['srl-plugin'] } : {}),
      exports: { '.': { import: './index.js' } },
    }),
  );
  writeFileSync(
    path.join(pkg, 'index.js'),
    `import { ContainerModule } from 'inversify';
// What definePlugin and pluginModule of @srl/core produce, written out (they are marked with Symbol.for keys).
const shout = { kind: 'reward', name: 'shout', optionsSchema: { type: 'object', properties: {} }, defaults: {}, [Symbol.for('@srl/core/PluginDefinition')]: true,
  create: () => ({ specVersion: 1, name: 'shout', score: async (inputs) => inputs.map((i) => ({ reward: i.completion === i.completion.toUpperCase() ? 1 : 0, components: {} })) }) };
export default new ContainerModule(({ bind }) => { bind(Symbol.for('@srl/core/Plugin')).toConstantValue(shout); });
`,
  );
  const recipeDir = path.join(dir, 'recipes');
  mkdirSync(recipeDir);
  writeFileSync(path.join(recipeDir, 'recipe.yaml'), 'policy: tfjs-transformer\ntask: math/gsm8k\nrewards: [shout]\nstages: [sft-tiny]\n');
  return dir;
}

describe('plugin discovery', () => {
  it('finds an installed srl-plugin package with an ESM-only exports map, from the recipe folder upwards, without naming it', async () => {
    const dir = project({ keyword: true });
    const env = await createPluginEnvironment({ cwd: repo });
    expect(env.registry.has('reward', 'shout')).toBe(false);
    const recipe = await loadRecipe(path.join(dir, 'recipes/recipe.yaml'), env);
    expect(recipe.rewards[0]!.reward).toEqual(['shout', {}]);
    expect(env.registry.get('reward', 'shout').packageName).toBe('srl-plugin-shout');
  });

  it('says when a package that would provide an unknown name is installed but not a plugin package', async () => {
    const dir = project({ keyword: false });
    const env = await createPluginEnvironment({ cwd: repo });
    await expect(loadRecipe(path.join(dir, 'recipes/recipe.yaml'), env)).rejects.toThrow(
      /Package "srl-plugin-shout" is installed but was not loaded .*lacks the "srl-plugin" keyword/,
    );
  });

  it('names a package that is not installed without repeating folders or assuming a package manager', async () => {
    const dir = project({ keyword: true });
    const env = await createPluginEnvironment({ cwd: dir });
    const error = await env.loadPlugins(['srl-plugin-missing'], dir).catch((e: Error) => e);
    expect(String(error)).toMatch(/plugin package "srl-plugin-missing" is not installed/);
    expect(String(error)).not.toMatch(/pnpm add/);
    const listed = /looked in node_modules from (.*) upwards/.exec(String(error))![1]!.split(', ');
    expect(new Set(listed).size).toBe(listed.length);
  });
});
