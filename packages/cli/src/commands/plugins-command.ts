import { PLUGIN_KINDS, SrlError, type PluginKind, type RegisteredPlugin } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';

interface OptionInfo {
  type?: unknown;
  default?: unknown;
  enum?: unknown[];
  description?: string;
}

export interface PluginInfo {
  name: string;
  kind: PluginKind;
  package: string;
  description?: string;
  options: Record<string, OptionInfo>;
}

/** Each option, and each field of an object option (`config.numLayers`, `limits.timeoutMs`), with its type, default, choices and description. */
function describeOptions(properties: Record<string, Record<string, unknown>>, defaults: Record<string, unknown>, prefix = ''): Record<string, OptionInfo> {
  const options: Record<string, OptionInfo> = {};
  for (const [key, schema] of Object.entries(properties)) {
    const fallback = defaults[key] ?? schema.default;
    options[`${prefix}${key}`] = {
      ...(schema.type !== undefined ? { type: schema.type } : {}),
      ...(fallback !== undefined ? { default: fallback } : {}),
      ...(Array.isArray(schema.enum) ? { enum: schema.enum } : {}),
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    };
    if (schema.type === 'object' && schema.properties) {
      const nested = typeof fallback === 'object' && fallback !== null ? (fallback as Record<string, unknown>) : {};
      Object.assign(options, describeOptions(schema.properties as Record<string, Record<string, unknown>>, nested, `${prefix}${key}.`));
    }
  }
  return options;
}

export function describePlugin({ definition, packageName }: RegisteredPlugin): PluginInfo {
  const properties = (definition.optionsSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const options = describeOptions(properties, definition.defaults as Record<string, unknown>);
  return {
    name: definition.name,
    kind: definition.kind,
    package: packageName,
    ...(definition.description ? { description: definition.description } : {}),
    options,
  };
}

/** `srl plugins [--kind K] [--json]`: every registered plugin with its package and options. */
export async function pluginsCommand(opts: { kind?: string; json?: boolean; plugin?: string[] }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (opts.kind !== undefined && !PLUGIN_KINDS.includes(opts.kind as PluginKind)) {
    throw new SrlError('usage', `--kind "${opts.kind}" is not a plugin kind; expected one of ${PLUGIN_KINDS.join(', ')}`);
  }
  const env = await createPluginEnvironment();
  if (opts.plugin?.length) await env.loadPlugins(opts.plugin, process.cwd());
  const infos = env.registry.list(opts.kind as PluginKind | undefined).map(describePlugin);
  if (opts.json) {
    out.write(`${JSON.stringify(infos, null, 2)}\n`);
    return 0;
  }
  for (const kind of PLUGIN_KINDS) {
    const ofKind = infos.filter((p) => p.kind === kind);
    if (!ofKind.length) continue;
    out.write(`${kind}:\n`);
    for (const p of ofKind) {
      out.write(`  ${p.name}  (${p.package})${p.description ? ` - ${p.description}` : ''}\n`);
      for (const [key, o] of Object.entries(p.options)) {
        const type = Array.isArray(o.enum) ? o.enum.map((v) => JSON.stringify(v)).join('|') : String(o.type ?? 'any');
        out.write(`      ${key}: ${type}${o.default !== undefined ? ` = ${JSON.stringify(o.default)}` : ''}${o.description ? `  ${o.description}` : ''}\n`);
      }
    }
  }
  return 0;
}
