import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { buildEditorSchema, readRecipeFile } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { createPluginEnvironment } from '../src/plugin-environment';

const shippedFile = fileURLToPath(new URL('../../core/recipe.schema.json', import.meta.url));
const example = (name: string): string => fileURLToPath(new URL(`../../../examples/${name}/recipe.yaml`, import.meta.url));

async function validator(): Promise<(data: unknown) => string[]> {
  const schema = JSON.parse(readFileSync(shippedFile, 'utf8'));
  // What an editor does: plain draft-07 validation of the document, no srl code involved.
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

describe('recipe.schema.json for editors', () => {
  it('is generated from the registered built-in plugins and up to date (regenerate: pnpm schema)', async () => {
    const env = await createPluginEnvironment({ discover: false });
    expect(JSON.parse(readFileSync(shippedFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(buildEditorSchema(env.registry))));
  });

  it('accepts the shipped example recipes, by the schema alone', async () => {
    const check = await validator();
    for (const name of ['quickstart', 'srl-then-rlvr', 'custom-benchmark']) expect(check(readRecipeFile(example(name))), name).toEqual([]);
  });

  it('types each [name, options] entry by its plugin: unknown options, wrong types and unknown names are refused', async () => {
    const check = await validator();
    const recipe = readRecipeFile(example('quickstart')) as { stages: [string, Record<string, unknown>][] };
    const typo = structuredClone(recipe);
    typo.stages[1]![1] = { ...typo.stages[1]![1], groupSise: 8 };
    expect(check(typo)).not.toEqual([]);
    const wrong = structuredClone(recipe);
    wrong.stages[1]![1] = { ...wrong.stages[1]![1], groupSize: 'eight' };
    expect(check(wrong)).not.toEqual([]);
    const unknown = structuredClone(recipe);
    unknown.stages[1]![0] = 'srl-tinny';
    expect(check(unknown)).not.toEqual([]);
    const right = structuredClone(recipe);
    right.stages[1]![1] = { ...right.stages[1]![1], groupSize: 4 };
    expect(check(right)).toEqual([]);
  });

  it('lists plugin names and options with their defaults, so editors can complete them', () => {
    const schema = JSON.parse(readFileSync(shippedFile, 'utf8'));
    const trainers = schema.definitions.trainerRef.anyOf as {
      const?: string;
      items?: [{ const: string }, { properties: Record<string, { default?: unknown }> }];
    }[];
    const srl = trainers.find((t) => t.items?.[0].const === 'srl')!;
    expect(srl.items![1].properties.groupSize!.default).toBe(8);
    expect(trainers.map((t) => t.const).filter(Boolean)).toEqual(expect.arrayContaining(['sft', 'srl', 'rlvr', 'grpo']));
  });
});
