import { SAFE_NAME_PATTERN } from '../runner/safe-path';

/**
 * The recipe's structural JSON Schema: what srl validates first; plugin options are validated
 * afterwards against each plugin's own schema. Editors get `packages/core/recipe.schema.json`, which
 * `buildEditorSchema` derives from this and the registered plugins (`pnpm schema`, checked by a test).
 */
/** JSON Schema of a plugin reference, for plugins whose options name other plugins. */
export const pluginRefSchema = {
  description: 'A plugin: "name", ["name"] or ["name", { options }]',
  type: ['string', 'array'],
  minLength: 1,
  items: [
    { type: 'string', minLength: 1, description: 'plugin name' },
    { type: 'object', description: 'plugin options' },
  ],
  minItems: 1,
  maxItems: 2,
  additionalItems: false,
} as const;

/** A plugin reference (string or [name, options]) or, for the long form, an object. */
const { description: _ignored, ...refKeywords } = pluginRefSchema;
const refOrObject = { ...refKeywords, type: ['string', 'array', 'object'] } as const;

const rewardEntry = {
  description: 'A reward plugin, alone (weight 1) or as { "reward": ref, "weight": w }',
  ...refOrObject,
  properties: {
    reward: { $ref: '#/definitions/pluginRef' },
    weight: { type: 'number', default: 1 },
    timeoutSeconds: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Fail the step when a batch has not been scored after this many seconds (default 300)',
    },
  },
  required: ['reward'],
  additionalProperties: false,
} as const;

const benchmark = {
  description: 'A task plugin to evaluate on, alone or as { "task": ref, "name": "unique-name" }',
  ...refOrObject,
  properties: {
    name: {
      type: 'string',
      pattern: SAFE_NAME_PATTERN,
      maxLength: 128,
      description: 'Name of its result files and summary row (default: the task name, plus a hash of its options when two benchmarks share a task)',
    },
    task: { $ref: '#/definitions/pluginRef' },
  },
  required: ['task'],
  additionalProperties: false,
} as const;

const stage = {
  description: 'A trainer ("sft", "srl", "rlvr", ...), alone or as { "trainer": ref, "task"?, "rewards"?, "from"? }',
  ...refOrObject,
  properties: {
    name: {
      type: 'string',
      pattern: SAFE_NAME_PATTERN,
      maxLength: 128,
      description: 'Name used for the stage folder and in logs: letters, digits, _ . - (no "/", no "..")',
    },
    trainer: { $ref: '#/definitions/pluginRef' },
    task: { $ref: '#/definitions/pluginRef', description: 'Overrides the recipe task for this stage' },
    rewards: { type: 'array', items: { $ref: '#/definitions/rewardEntry' }, description: 'Overrides the recipe rewards for this stage' },
    from: { type: 'string', enum: ['final', 'best'], description: "Start from the previous stage's final or best-on-validation checkpoint" },
  },
  required: ['trainer'],
  additionalProperties: false,
} as const;

export const recipeSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:srl:recipe',
  title: 'srl recipe',
  type: 'object',
  definitions: { pluginRef: pluginRefSchema, rewardEntry, stage, benchmark },
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: SAFE_NAME_PATTERN, maxLength: 128, description: 'Run name (default: the file name)' },
    description: { type: 'string' },
    plugins: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description: 'Plugin packages to load besides the built-in @srl packages: npm names or paths relative to the recipe',
    },
    seed: { type: 'integer', minimum: 0, default: 0 },
    output: { type: 'string', minLength: 1, description: 'Run folder (default: runs/<name>), relative to the working directory' },
    policy: { $ref: '#/definitions/pluginRef' },
    task: { $ref: '#/definitions/pluginRef' },
    rewards: { type: 'array', items: { $ref: '#/definitions/rewardEntry' }, default: [] },
    stages: {
      type: 'array',
      items: { $ref: '#/definitions/stage' },
      default: [],
      description: 'Training stages, run in order; empty for an evaluation-only recipe',
    },
    eval: {
      type: 'object',
      properties: {
        benchmarks: { type: 'array', items: { $ref: '#/definitions/benchmark' }, minItems: 1, description: 'Task plugins to evaluate on' },
        split: { type: 'string', default: 'test' },
        greedy: { type: 'boolean', default: true, description: 'Report greedy accuracy' },
        samples: { type: 'integer', minimum: 0, default: 0, description: 'k samples per problem for avg@k and pass@k (0: none)' },
        temperature: { type: 'number', minimum: 0, default: 1 },
        topP: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1 },
        maxTokens: { type: 'integer', minimum: 1, default: 512 },
        limit: { type: 'integer', minimum: 1, description: 'Evaluate only the first N problems of each benchmark' },
        batchSize: { type: 'integer', minimum: 1, default: 8 },
      },
      required: ['benchmarks'],
      additionalProperties: false,
    },
  },
  required: ['policy'],
  additionalProperties: false,
} as const;
