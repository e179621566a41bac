import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SrlError } from '@srl/core';
import { cliVersion } from '../version';

export interface InitCommandOptions {
  /** Write a plugin package `srl-plugin-<name>` instead of a recipe. */
  plugin?: string;
}

const STARTER_RECIPE = `# yaml-language-server: $schema=./node_modules/@srl/core/recipe.schema.json
# A starter recipe: step-wise SFT, then SRL, on seeded arithmetic chains with numbered expert steps
# (no data to download), with a tiny transformer on CPU. Validate with \`srl validate recipe.yaml\`,
# run with \`srl train recipe.yaml\`; \`srl plugins\` lists every plugin and option.
name: my-first-srl
seed: 0
policy: [tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { maxPositions: 512 } }]
task: [math/synthetic-arithmetic, { steps: 2, digits: 1, trainSize: 400, validationSize: 16, systemPrompt: "Write the next step." }]
rewards:
  # A model this small writes no <think> monologue; at paper scale keep the default "think-then-step" format.
  - [step-similarity, { format: plain }]
stages:
  - [sft-tiny, { instances: srl, batchSize: 8, epochs: 1, maxPromptTokens: 400 }]
  - [srl-tiny, { batchSize: 4, epochs: 0.05, maxTokens: 32, maxPromptTokens: 400 }]
`;

function pluginFiles(name: string): Record<string, string> {
  const pkg = `srl-plugin-${name}`;
  return {
    'package.json': `${JSON.stringify(
      {
        name: pkg,
        version: '0.1.0',
        description: `An srl reward plugin: ${name}`,
        keywords: ['srl-plugin', 'srl', 'reward'],
        type: 'module',
        license: 'MIT',
        exports: { '.': { import: './src/index.js' } },
        files: ['src'],
        scripts: { test: 'node --test' },
        engines: { node: '>=20' },
        peerDependencies: { '@srl/core': `^${cliVersion()}` },
      },
      null,
      2,
    )}\n`,
    'src/index.js': `// ${pkg}: the default export is the ContainerModule srl loads (installed packages with the
// "srl-plugin" keyword are found by every srl command; a recipe may also name it under "plugins").
import { Default, defineReward, pluginModule, Type } from '@srl/core';

/** Length ratio between the model's step (after </think>) and the expert step, capped: a plain batched function. */
export const ${camel(name)}Plugin = defineReward(
  '${name}',
  async (inputs, options) =>
    inputs.map(({ completion, reference }) => {
      // No reference: the reward does not apply (null), which is not a zero.
      if (reference === undefined) return { reward: null, components: {} };
      const step = completion.includes('</think>') ? completion.slice(completion.lastIndexOf('</think>') + 8) : completion;
      const ratio = reference.length === 0 ? (step.length === 0 ? 1 : 0) : step.length / reference.length;
      return { reward: Math.min(options.cap, ratio), components: { ratio } };
    }),
  {
    description: 'length ratio between the step after </think> and the expert step',
    // The options, declared once: schema, defaults and documentation (srl plugins).
    options: Type.Object({ cap: Default(Type.Number({ exclusiveMinimum: 0, description: 'largest reward' }), 1) }, { additionalProperties: false }),
  },
);

export default pluginModule([${camel(name)}Plugin]);
`,
    'test/plugin.test.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRewardPlugin } from '@srl/core/testing';
import { ${camel(name)}Plugin } from '../src/index.js';

test('${pkg} honours the reward contract', async () => {
  const report = await checkRewardPlugin(${camel(name)}Plugin, {
    inputs: [
      { completion: '<think>halve it</think>48/2 = 24', reference: 'Natalia sold 48/2 = 24 clips in May.' },
      { completion: 'She sold 72 clips.', reference: 'Natalia sold 48+24 = 72 clips altogether.' },
      { completion: 'no reference here' },
    ],
    invalidOptions: { cap: -1 },
  });
  assert.deepEqual(report.failures, []);
});
`,
    'README.md': `# ${pkg}\n\nAn srl reward plugin. Install it next to srl (\`npm install ${pkg}\`) and every \`srl\` command finds it; \`srl plugins --kind reward\` lists it. Test: \`npm test\`.\n`,
  };
}

function camel(name: string): string {
  return name.replace(/[-/](.)/g, (_, c: string) => c.toUpperCase());
}

async function writeNew(dir: string, files: Record<string, string>, out: NodeJS.WritableStream): Promise<void> {
  const clashes = Object.keys(files).filter((f) => existsSync(path.join(dir, f)));
  if (clashes.length)
    throw new SrlError(
      'usage',
      `srl init: ${clashes.map((f) => path.join(dir, f)).join(', ')} already exist${clashes.length === 1 ? 's' : ''}; nothing was written (choose another folder)`,
    );
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text, { flag: 'wx' });
    out.write(`wrote ${path.join(dir, file)}\n`);
  }
}

/** `srl init [dir]` writes a starter recipe; `srl init --plugin NAME [dir]` a reward plugin package with its conformance test. */
export async function initCommand(dir: string | undefined, opts: InitCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (opts.plugin !== undefined) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(opts.plugin))
      throw new SrlError('usage', `--plugin "${opts.plugin}" must be a kebab-case name such as "length-ratio"`);
    const target = path.resolve(dir ?? `srl-plugin-${opts.plugin}`);
    await writeNew(target, pluginFiles(opts.plugin), out);
    out.write(`next: cd ${path.relative(process.cwd(), target) || '.'} && npm install @srl/core && npm test\n`);
    return 0;
  }
  const target = path.resolve(dir ?? '.');
  await writeNew(target, { 'recipe.yaml': STARTER_RECIPE }, out);
  out.write(
    `next: srl validate ${path.relative(process.cwd(), path.join(target, 'recipe.yaml'))} && srl train ${path.relative(process.cwd(), path.join(target, 'recipe.yaml'))}\n`,
  );
  return 0;
}
