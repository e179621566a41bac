// SRL §5.1: the target of a SWE step is the environment-consumable call in SWE-agent's XML form
// (the SWE-smith training format), e.g.
//   <function=bash>
//   <parameter=command>ls</parameter>
//   </function>
// Layout, as in sweagent/tools/parsing.py (XMLFunctionCallingParser) and the SWE-smith data:
// `<function=NAME>\n`, then one `<parameter=KEY>VALUE</parameter>\n` per argument in insertion
// order, then `</function>`. A value is the raw text between the tags (newlines kept, no escaping).
//
// Non-string arguments (OpenHands' `view_range: [1, 20]`, `insert_line: 5`, SWE-agent's
// `line_number: 1474`) render as Python's `json.dumps` text (`[1, 20]`, `5`), which is what
// SWE-smith's own data holds. XML is untyped, so the parser turns a value back into JSON only for
// parameters declared in `parameterTypes` (defaults: DEFAULT_PARAMETER_TYPES), and only when
// rendering the decoded value gives the same text back; every other value stays a string. Hence:
//   renderAction(parseAction(x)) === x   for every x in the canonical layout, and
//   parseAction(renderAction(a)) deep-equals a   when each non-string argument of `a` is declared.
import { SrlError } from '../errors';
import type { SweAction } from './swe-trajectory';

/** Source tool name → canonical name. OpenHands' `execute_bash`/`finish` are SWE-agent's `bash`/`submit`. */
export const DEFAULT_TOOL_NAMES: Readonly<Record<string, string>> = { execute_bash: 'bash', finish: 'submit' };

export type ParameterType = 'integer' | 'number' | 'boolean' | 'array' | 'object';

/** Canonical tool → parameter → JSON type, for the parameters that are not strings. */
export const DEFAULT_PARAMETER_TYPES: Readonly<Record<string, Readonly<Record<string, ParameterType>>>> = {
  str_replace_editor: { view_range: 'array', insert_line: 'integer' },
  open: { line_number: 'integer' },
  goto: { line_number: 'integer' },
  scroll_up: { lines: 'integer' },
  scroll_down: { lines: 'integer' },
};

export interface ActionXmlOptions {
  /** Source → canonical tool names applied to the parsed name. Default: DEFAULT_TOOL_NAMES. */
  toolNames?: Readonly<Record<string, string>>;
  /** Parameters decoded as JSON. Default: DEFAULT_PARAMETER_TYPES. */
  parameterTypes?: Readonly<Record<string, Readonly<Record<string, ParameterType>>>>;
}

/** The canonical tool name of `name` under `toolNames` (unknown names are kept as they are). */
export function canonicalToolName(name: string, toolNames: Readonly<Record<string, string>> = DEFAULT_TOOL_NAMES): string {
  return Object.hasOwn(toolNames, name) ? (toolNames[name] as string) : name;
}

/** Renders an action in SWE-agent's XML form. Throws SrlError 'data' for a value that XML cannot hold. */
export function renderAction(action: SweAction): string {
  if (!/^[^<>\s]+$/.test(action.tool)) {
    throw new SrlError('data', `cannot render tool name ${JSON.stringify(action.tool)}: expected a non-empty name without spaces or angle brackets`);
  }
  let out = `<function=${action.tool}>\n`;
  for (const [key, value] of Object.entries(action.args)) {
    if (!/^[^<>\s]+$/.test(key)) {
      throw new SrlError(
        'data',
        `cannot render parameter name ${JSON.stringify(key)} of tool "${action.tool}": expected a name without spaces or angle brackets`,
      );
    }
    const text = renderValue(value);
    if (text.includes('</parameter>') || text.includes('</function>')) {
      throw new SrlError(
        'data',
        `parameter "${key}" of tool "${action.tool}" contains the literal "</parameter>" or "</function>", which the XML call form cannot hold; such a step cannot be rendered`,
      );
    }
    out += `<parameter=${key}>${text}</parameter>\n`;
  }
  return `${out}</function>`;
}

/**
 * Parses exactly one XML call (whitespace around it allowed). Throws SrlError 'data' naming the
 * offset and what was expected when there is no call, more than one, stray text, an unclosed tag
 * or a repeated parameter.
 */
export function parseAction(text: string, options: ActionXmlOptions = {}): SweAction {
  const types = options.parameterTypes ?? DEFAULT_PARAMETER_TYPES;
  const fail = (at: number, what: string): never => {
    throw new SrlError(
      'data',
      `malformed action at character ${at}: ${what}; expected <function=NAME>\\n<parameter=KEY>VALUE</parameter>\\n...</function> and nothing else, got ${JSON.stringify(clip(text))}`,
    );
  };
  let pos = skipSpace(text, 0);
  const head = /^<function=([^>\s]+)>/.exec(text.slice(pos));
  if (!head) fail(pos, 'no <function=NAME> opening tag');
  const rawName = head![1] as string;
  const tool = canonicalToolName(rawName, options.toolNames ?? DEFAULT_TOOL_NAMES);
  pos += head![0].length;
  const args: Record<string, unknown> = {};
  for (;;) {
    pos = skipSpace(text, pos);
    if (text.startsWith('</function>', pos)) {
      pos += '</function>'.length;
      break;
    }
    const param = /^<parameter=([^>\s]+)>/.exec(text.slice(pos));
    if (!param)
      fail(
        pos,
        text.startsWith('<function=', pos)
          ? 'a second call inside the first'
          : pos >= text.length
            ? 'no closing </function>'
            : 'text that is neither a <parameter=...> nor </function>',
      );
    const key = param![1] as string;
    const start = pos + param![0].length;
    const end = text.indexOf('</parameter>', start);
    if (end < 0) fail(start, `parameter "${key}" has no closing </parameter>`);
    if (Object.hasOwn(args, key)) fail(pos, `parameter "${key}" given twice`);
    const raw = text.slice(start, end);
    if (raw.includes('</function>')) fail(start, `parameter "${key}" runs into </function> before its </parameter>`);
    args[key] = decodeValue(raw, types[tool]?.[key] ?? types[rawName]?.[key]);
    pos = end + '</parameter>'.length;
  }
  const rest = skipSpace(text, pos);
  if (rest < text.length) fail(rest, text.startsWith('<function=', rest) ? 'more than one call (one action per step)' : 'text after </function>');
  return { tool, args };
}

/** A value's text in the call: strings as they are, anything else as Python's json.dumps writes it. */
function renderValue(value: unknown): string {
  return typeof value === 'string' ? value : pythonJson(value);
}

function decodeValue(raw: string, type: ParameterType | undefined): unknown {
  if (!type) return raw;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return raw;
  }
  // Decode only when the text is exactly what rendering the value writes: the round trip stays exact.
  return hasType(value, type) && pythonJson(value) === raw ? value : raw;
}

function hasType(value: unknown, type: ParameterType): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/** JSON with Python's default separators (`, ` and `: `), as `json.dumps` writes it. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text[pos] as string)) pos += 1;
  return pos;
}

function clip(text: string): string {
  return text.length <= 160 ? text : `${text.slice(0, 80)}…${text.slice(-60)}`;
}
