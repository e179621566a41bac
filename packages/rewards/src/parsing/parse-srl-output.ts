// SRL §4.2 and App. B.2: the model writes "<think> inner monologue </think>" and then only the single next
// step; the reward compares that step (the action) with the expert's, and a broken format scores -1.
// The paper leaves the format check unspecified; the rules below are ours, each one configurable.
import { schemaDefaults, STEP_HEADER_PATTERN } from '@srl/core';
import { srlOutputRulesSchema, type SrlOutputRules } from './srl-output-rules-schema';

export type { SrlOutputRules };

export const DEFAULT_STEP_HEADER_PATTERN = STEP_HEADER_PATTERN;

export const DEFAULT_SRL_OUTPUT_RULES: Readonly<SrlOutputRules> = Object.freeze(schemaDefaults(srlOutputRulesSchema));

export type SrlFormatError =
  | 'missing-think'
  | 'text-before-think'
  | 'unclosed-think'
  | 'nested-think'
  | 'repeated-think'
  | 'solution-tags'
  | 'missing-solution'
  | 'empty-step'
  | 'multiple-steps';

export type ParsedSrlOutput =
  | {
      ok: true /** The step, trimmed (and unwrapped from `<solution>`). */;
      action: string /** The monologue between the tags, untouched ('' without a think block). */;
      think: string;
    }
  | { ok: false; code: SrlFormatError; reason: string };

const OPEN = '<think>';
const CLOSE = '</think>';
const SOL_OPEN = '<solution>';
const SOL_CLOSE = '</solution>';

const headerCache = new Map<string, RegExp>();

/**
 * Splits an SRL completion into its monologue and its step, or says why its format is broken.
 *
 * Exact rules (tags are matched literally and case-sensitively):
 * 1. Think block: `<think>` (preceded by whitespace only, unless `allowTextBeforeThink`), then the monologue, then the
 *    first `</think>`. With `thinkOpenInPrompt`, the monologue starts at the beginning of the completion. A second
 *    `<think>` before that `</think>` is `nested-think`; no `</think>` is `unclosed-think`; a think tag of either kind
 *    after it is `repeated-think`. Without any think tag: `missing-think`, or the whole text is the step when
 *    `requireThink` is false.
 * 2. The step is the rest, trimmed. If it starts with `<solution>` and ends with `</solution>` (`optional`/`required`),
 *    the inside, trimmed, is the step; any other use of the solution tags is `solution-tags`.
 * 3. An empty step is `empty-step`; a second step header line is `multiple-steps` (see `stepHeaderPattern`).
 */
export function parseSrlOutput(completion: string, rules: Partial<SrlOutputRules> = {}): ParsedSrlOutput {
  const r: SrlOutputRules = { ...DEFAULT_SRL_OUTPUT_RULES, ...rules };
  const fail = (code: SrlFormatError, reason: string): ParsedSrlOutput => ({ ok: false, code, reason });

  let think = '';
  let rest: string;
  const open = completion.indexOf(OPEN);
  const close = completion.indexOf(CLOSE);
  if (open < 0 && close < 0 && !r.thinkOpenInPrompt) {
    if (r.requireThink) return fail('missing-think', 'no <think>...</think> block');
    rest = completion;
  } else {
    let start: number;
    if (r.thinkOpenInPrompt && (open < 0 || open > close || completion.slice(0, open).trim() !== '')) {
      start = 0; // the prompt opened the block; any <think> inside it is checked below as a nested one
    } else if (open < 0 || (close >= 0 && close < open)) {
      return fail('missing-think', `</think> at offset ${close} without an opening <think> before it`);
    } else {
      const before = completion.slice(0, open);
      if (before.trim() !== '' && !r.allowTextBeforeThink) {
        return fail('text-before-think', `text before <think>: ${preview(before)}`);
      }
      start = open + OPEN.length;
    }
    if (close < 0) return fail('unclosed-think', 'the think block is never closed with </think>');
    const nested = completion.indexOf(OPEN, start);
    if (nested >= 0 && nested < close) return fail('nested-think', `<think> opened again at offset ${nested} inside the think block`);
    think = completion.slice(start, close);
    rest = completion.slice(close + CLOSE.length);
    if (rest.includes(OPEN) || rest.includes(CLOSE)) return fail('repeated-think', `a think tag appears again after the first </think>: ${preview(rest)}`);
  }

  let action = rest.trim();
  const hasOpen = action.includes(SOL_OPEN);
  const hasClose = action.includes(SOL_CLOSE);
  if (r.solutionWrapper === 'forbidden') {
    if (hasOpen || hasClose) return fail('solution-tags', 'the step contains <solution> tags, which these rules forbid');
  } else if (hasOpen || hasClose) {
    const wrapped = action.startsWith(SOL_OPEN) && action.endsWith(SOL_CLOSE) && action.length >= SOL_OPEN.length + SOL_CLOSE.length;
    const inner = wrapped ? action.slice(SOL_OPEN.length, action.length - SOL_CLOSE.length) : '';
    if (!wrapped || inner.includes(SOL_OPEN) || inner.includes(SOL_CLOSE)) {
      return fail('solution-tags', `expected the whole step inside one <solution>...</solution>, got ${preview(action)}`);
    }
    action = inner.trim();
  } else if (r.solutionWrapper === 'required') {
    return fail('missing-solution', `expected the step inside <solution>...</solution>, got ${preview(action)}`);
  }

  if (action === '' && !r.allowEmptyStep) return fail('empty-step', 'the step after </think> is empty');
  if (r.singleStep) {
    const header = headerRegExp(r.stepHeaderPattern);
    const lines = withoutParameterValues(action).split(/\r\n|\r|\n/);
    const first = lines.findIndex((line) => line.trim() !== '');
    for (let n = first + 1; n < lines.length; n++) {
      if (header.test(lines[n])) return fail('multiple-steps', `a second step starts at line ${n + 1}: ${preview(lines[n])}`);
    }
  }
  return { ok: true, action, think };
}

/** A parameter value ends at the first `</parameter>`, as in @srl/core's parseAction. */
const PARAMETER_VALUE = /<parameter=[^>\s]+>[\s\S]*?<\/parameter>/g;

/** `text` with each tool-call parameter (tags and value) emptied line by line, so line numbers stay. */
function withoutParameterValues(text: string): string {
  return text.includes('<parameter=') ? text.replace(PARAMETER_VALUE, (m) => m.replace(/[^\r\n]+/g, '')) : text;
}

function headerRegExp(source: string): RegExp {
  let re = headerCache.get(source);
  if (!re) {
    re = new RegExp(source, 'i');
    headerCache.set(source, re);
  }
  return re;
}

function preview(text: string): string {
  const flat = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
  return flat;
}
