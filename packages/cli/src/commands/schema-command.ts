import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildEditorSchema } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';

/**
 * `srl schema [--out FILE] [--builtin]`: the recipe JSON Schema for editors, with every registered
 * plugin's name and options (installed third-party plugins too, unless --builtin).
 */
export async function schemaCommand(
  opts: { out?: string; builtin?: boolean; plugin?: string[] },
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const env = await createPluginEnvironment({ discover: !opts.builtin });
  if (opts.plugin?.length) await env.loadPlugins(opts.plugin, process.cwd());
  const text = `${JSON.stringify(buildEditorSchema(env.registry), null, 2)}\n`;
  if (opts.out) await writeFile(path.resolve(opts.out), text);
  else out.write(text);
  return 0;
}
