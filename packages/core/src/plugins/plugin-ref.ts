/** How a recipe names a plugin: `"name"`, `["name"]` or `["name", { ...options }]` (ESLint/Rollup style). */
export type PluginRef = string | [string] | [string, Record<string, unknown>];

export function pluginRefName(ref: PluginRef): string {
  return typeof ref === 'string' ? ref : ref[0];
}

export function pluginRefOptions(ref: PluginRef): Record<string, unknown> {
  return typeof ref === 'string' ? {} : { ...(ref[1] ?? {}) };
}
