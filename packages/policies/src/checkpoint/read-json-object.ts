import { readFileSync } from 'node:fs';
import { SrlError } from '@srl/core';

/** Reads a JSON file that must hold an object; SrlError('validation') naming the file otherwise. */
export function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SrlError('validation', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SrlError('validation', `${file} is not a JSON object`);
  return value as Record<string, unknown>;
}
