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

/** Points a `{ $ref: '#/definitions/pluginRef' }` property at the kind's typed reference, keeping its other keys. */
function typed(schema: Json, kind: PluginKind): Json {
  return { ...schema, $ref: `#/definitions/${refName(kind)}` };
}

/**
 * A structural definition that accepts a reference or its long object form (a reward entry, a stage,
 * a benchmark) as editors see it: either the typed reference, or the object with its reference
 * properties typed (`kinds` maps each such property to its plugin kind).
 */
function longForm(def: Json, kind: PluginKind, kinds: Record<string, PluginKind>): Json {
  const properties = { ...(def.properties as Record<string, Json>) };
  for (const [key, k] of Object.entries(kinds)) if (properties[key]) properties[key] = typed(properties[key]!, k);
  return {
    description: def.description,
    anyOf: [{ $ref: `#/definitions/${refName(kind)}` }, { type: 'object', properties, required: def.required, additionalProperties: false }],
  };
}

/**
 * The recipe schema for editors, generated from the registered plugins: each `[name, options]`
 * entry is typed by its plugin (names autocomplete, options autocomplete and are checked, unknown
 * keys flagged). srl itself validates with the structural `recipeSchema` plus each plugin's own
 * schema; this file is what `$schema` points editors at (`packages/core/recipe.schema.json`).
 */
export function buildEditorSchema(registry: PluginRegistry): Json {
  const schema = structuredClone(recipeSchema) as unknown as Json & { definitions: Record<string, Json>; properties: Record<string, Json> };
  for (const kind of PLUGIN_KINDS) {
    const plugins = registry.list(kind);
    schema.definitions[refName(kind)] = {
      description: `A ${kind} plugin: "name" or ["name", { options }]. Registered: ${plugins.map((p) => p.definition.name).join(', ') || '(none)'}`,
      // No plugin of this kind registered: any name (srl's own validation reports it).
      ...(plugins.length ? { anyOf: plugins.flatMap(refForms) } : { $ref: '#/definitions/pluginRef' }),
    };
  }
  const defs = schema.definitions;
  defs.rewardEntry = longForm(defs.rewardEntry!, 'reward', { reward: 'reward' });
  defs.stage = longForm(defs.stage!, 'trainer', { trainer: 'trainer', task: 'task' });
  if (defs.benchmark) defs.benchmark = longForm(defs.benchmark, 'task', { task: 'task' });
  schema.properties.policy = typed(schema.properties.policy!, 'policy');
  schema.properties.task = typed(schema.properties.task!, 'task');
  return schema;
}
