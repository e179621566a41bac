import { SrlError } from '@srl/core';

/** Parses a `--options` JSON object (undefined: `{}`). */
export function parseOptionsFlag(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let options: unknown;
  try {
    options = JSON.parse(text);
  } catch (cause) {
    throw new SrlError('usage', `--options must be a JSON object, found ${JSON.stringify(text)}: ${(cause as Error).message}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new SrlError('usage', `--options must be a JSON object, found ${text}`);
  return options as Record<string, unknown>;
}
