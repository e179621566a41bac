import { PLUGIN_KINDS, type PluginKind } from '../plugins/define-plugin';
import type { PluginRegistry, RegisteredPlugin } from '../plugins/plugin-registry';
import { recipeSchema } from './recipe-schema';

type Json = Record<string, unknown>;

/** A plugin's options schema as an editor sees it: defaults shown, unknown keys flagged. */
function optionsFor(p: RegisteredPlugin): Json {
  const schema = structuredClone(p.definition.optionsSchema) as Json;
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  for (const [key, value] of Object.entries(p.definition.defaults as Json)) {
    if (properties[key] && properties[key].default === undefined && value !== undefined) properties[key].default = value;
  }
  if (!('additionalProperties' in schema) && !('unevaluatedProperties' in schema)) schema.additionalProperties = false;
  return schema;
}

/** Every way a recipe may name one plugin: "name", ["name"], ["name", { options }]. */
function refForms(p: RegisteredPlugin): Json[] {
  const { name, description } = p.definition;
  const doc = description ? { description: `${name}: ${description}` } : {};
  return [
    { const: name, ...doc },
    { type: 'array', items: [{ const: name, ...doc }, optionsFor(p)], minItems: 1, maxItems: 2, additionalItems: false },
  ];
}

const refName = (kind: PluginKind): string => `${kind}Ref`;

/** Replaces `{ $ref: '#/definitions/pluginRef' }` at the given places with the kind's typed reference. */
function typed(schema: Json, kind: PluginKind): Json {
  return { ...schema, $ref: `#/definitions/${refName(kind)}` };
}

/**
 * The recipe schema for editors, generated from the registered plugins: each `[name, options]`
 * entry is typed by its plugin (names autocomplete, options autocomplete and are checked, unknown
 * keys flagged). srl itself validates with the structural `recipeSchema` plus each plugin's own
 * schema; this file is what `$schema` points editors at (`packages/core/recipe.schema.json`).
 */
export function buildEditorSchema(registry: PluginRegistry): Json {
  const schema = structuredClone(recipeSchema) as unknown as Json & { definitions: Json; properties: Record<string, Json> };
  for (const kind of PLUGIN_KINDS) {
    const plugins = registry.list(kind);
    schema.definitions[refName(kind)] = {
      description: `A ${kind} plugin: "name" or ["name", { options }]. Registered: ${plugins.map((p) => p.definition.name).join(', ') || '(none)'}`,
      // No plugin of this kind registered: any name (srl's own validation reports it).
      ...(plugins.length ? { anyOf: plugins.flatMap(refForms) } : { $ref: '#/definitions/pluginRef' }),
    };
  }
  const defs = schema.definitions as Record<string, Json>;
  defs.rewardEntry = {
    description: 'A reward plugin, alone (weight 1) or as { "reward": ref, "weight": w }',
    anyOf: [{ $ref: `#/definitions/${refName('reward')}` }, { type: 'object', properties: { reward: { $ref: `#/definitions/${refName('reward')}` }, weight: { type: 'number', default: 1 } }, required: ['reward'], additionalProperties: false }],
  };
  const stageProperties = { ...((defs.stage as Json).properties as Record<string, Json>) };
  stageProperties.trainer = typed(stageProperties.trainer!, 'trainer');
  stageProperties.task = typed(stageProperties.task!, 'task');
  defs.stage = {
    description: (defs.stage as Json).description,
    anyOf: [{ $ref: `#/definitions/${refName('trainer')}` }, { type: 'object', properties: stageProperties, required: ['trainer'], additionalProperties: false }],
  };
  schema.properties.policy = typed(schema.properties.policy!, 'policy');
  schema.properties.task = typed(schema.properties.task!, 'task');
  const evalSpec = schema.properties.eval as Json & { properties: Record<string, Json> };
  evalSpec.properties.benchmarks = { ...evalSpec.properties.benchmarks, items: { $ref: `#/definitions/${refName('task')}` } };
  return schema;
}
