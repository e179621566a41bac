import type { ErrorObject } from 'ajv';
import { closest } from './suggest';

/** Joins a base path and a JSON pointer into `stages[1].options.groupSize` style. */
export function joinPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) path += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path === '' ? '(root)' : path;
}

function show(value: unknown): string {
  // JSON has no NaN or Infinity: JSON.stringify would print them as null (YAML's .nan, .inf).
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per ajv error: `path: what is wrong (found X)`. Needs ajv's `verbose: true` for the found values. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, base: string): string[] {
  const lines: string[] = [];
  for (const error of errors ?? []) {
    const at = joinPath(base, error.instancePath);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown>) ?? {});
        const hint = closest(key, allowed);
        lines.push(
          `${joinPath(base, `${error.instancePath}/${key}`)}: unknown key` +
            (hint ? ` (did you mean "${hint}"?)` : '') +
            (allowed.length ? `; allowed keys: ${allowed.join(', ')}` : ''),
        );
        break;
      }
      case 'required':
        lines.push(`${joinPath(base, `${error.instancePath}/${String(params.missingProperty)}`)}: is required`);
        break;
      case 'enum':
        lines.push(`${at}: must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')} (found ${show(error.data)})`);
        break;
      case 'additionalItems':
      case 'maxItems':
      case 'minItems':
        lines.push(`${at}: ${error.message} (found ${Array.isArray(error.data) ? error.data.length : show(error.data)} items)`);
        break;
      default:
        lines.push(`${at}: ${error.message ?? 'is invalid'} (found ${show(error.data)})`);
    }
  }
  return [...new Set(lines)];
}
