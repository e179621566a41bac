import { parse as parseYaml } from 'yaml';
import { SrlError } from '../errors';

type Segment = string | number;

/** `stages[1].options.lr` -> ['stages', 1, 'options', 'lr']. */
export function parseOverridePath(text: string): Segment[] {
  const segments: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/gy;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    segments.push(m[1] !== undefined ? m[1] : Number(m[2]));
    last = re.lastIndex;
    if (text[last] === '.') re.lastIndex = ++last;
  }
  if (last !== text.length || segments.length === 0) {
    throw new SrlError('usage', `--set: "${text}" is not a recipe path; expected keys and indices such as stages[1].options.lr`);
  }
  return segments;
}

const isRef = (v: unknown): v is unknown[] => Array.isArray(v) && typeof v[0] === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Steps from `node` into `segment`, creating what is missing. `options` and `name` step into a
 * plugin reference: `[name, options]` (a bare `name` string becomes `[name, {}]`), and into a stage
 * object's trainer, so `stages[1].options.lr` works for both stage forms.
 */
function child(parent: unknown[] | Record<string, unknown>, key: Segment, at: string): { holder: unknown[] | Record<string, unknown>; key: Segment } {
  let node = (parent as Record<string | number, unknown>)[key];
  if (typeof node === 'string') (parent as Record<string | number, unknown>)[key] = node = [node, {}];
  if (node === undefined) (parent as Record<string | number, unknown>)[key] = node = {};
  if (!isObject(node) && !Array.isArray(node)) throw new SrlError('usage', `--set: ${at} is ${JSON.stringify(node)}, which has no fields to set`);
  return { holder: node, key };
}

function step(node: unknown[] | Record<string, unknown>, segment: Segment, at: string): { holder: unknown[] | Record<string, unknown>; key: Segment } {
  if (isRef(node) && (segment === 'options' || segment === 'name')) {
    if (segment === 'name') return { holder: node, key: 0 };
    if (node[1] === undefined) node[1] = {};
    return { holder: node, key: 1 };
  }
  if (isObject(node) && segment === 'options' && !('options' in node) && 'trainer' in node) {
    // A stage written as { trainer: [name, options], ... }: `options` means the trainer's.
    return step(child(node, 'trainer', at).holder, 'options', `${at}.trainer`);
  }
  if (typeof segment === 'number' && !Array.isArray(node)) throw new SrlError('usage', `--set: ${at} is not a list, so [${segment}] does not apply`);
  if (typeof segment === 'number' && segment > (node as unknown[]).length)
    throw new SrlError('usage', `--set: ${at} has ${(node as unknown[]).length} entries; [${segment}] is out of range`);
  return { holder: node, key: segment };
}

/**
 * Applies `--set path=value` overrides to raw recipe data (before validation, so overridden values
 * are validated like the file's). Values are parsed as YAML: `lr=1e-4`, `name=run-2`, `rewards=[math-answer]`.
 */
export function applyOverrides(data: unknown, overrides: readonly string[]): unknown {
  if (!isObject(data)) return data;
  const out = structuredClone(data);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new SrlError('usage', `--set: "${override}" must be path=value, e.g. stages[1].options.lr=1e-4`);
    const text = override.slice(0, eq).trim();
    const segments = parseOverridePath(text);
    let value: unknown;
    try {
      value = parseYaml(override.slice(eq + 1));
    } catch (cause) {
      throw new SrlError('usage', `--set ${text}: the value is not valid YAML: ${(cause as Error).message}`, { cause });
    }
    let holder: unknown[] | Record<string, unknown> = out;
    let key: Segment = segments[0]!;
    let at = '';
    for (const [i, segment] of segments.entries()) {
      ({ holder, key } = step(holder, segment, at || '(recipe)'));
      at = typeof segment === 'number' ? `${at}[${segment}]` : at ? `${at}.${segment}` : segment;
      if (i < segments.length - 1) holder = child(holder, key, at).holder;
    }
    (holder as Record<string | number, unknown>)[key] = value;
  }
  return out;
}
