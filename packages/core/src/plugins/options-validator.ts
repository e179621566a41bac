import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { formatAjvErrors } from './ajv-errors';

/** The one ajv configuration of srl: every problem at once, defaults filled in, strict schemas. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictTuples: false, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  return ajv;
}

/**
 * Validates an options object against a schema. Returns a copy with defaults applied, and every
 * problem as a `path: message` line (empty when valid).
 */
export class OptionsValidator {
  private readonly ajv = createAjv();
  private readonly cache = new WeakMap<object, ValidateFunction>();

  compile(schema: Record<string, unknown>): ValidateFunction {
    let fn = this.cache.get(schema);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.cache.set(schema, fn);
    }
    return fn;
  }

  validate<T extends object>(schema: Record<string, unknown>, value: unknown, path: string): { value: T; errors: string[] } {
    const copy = structuredClone(value);
    const fn = this.compile(schema);
    const ok = fn(copy);
    return { value: copy as T, errors: ok ? [] : formatAjvErrors(fn.errors, path) };
  }
}
