import { SrlError } from '@srl/core';

/** Where a record came from and how to name its tools: what every trajectory reader receives. */
export interface RecordContext {
  /** Id used when the record carries none (the file name, or `file:line` in JSONL). */
  fallbackId: string;
  /** Source → canonical tool names. */
  toolNames: Readonly<Record<string, string>>;
}

/** Thrown by a reader for a malformed record; `at` is the JSON path of the offending value. */
export function malformed(at: string, what: string): never {
  throw new SrlError('data', `${at}: ${what}`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of a chat message's content: a string, or OpenAI/Anthropic parts `[{type: 'text', text}]` joined. */
export function contentText(content: unknown, at: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part, i) => {
        if (typeof part === 'string') return part;
        if (isObject(part) && typeof part.text === 'string') return part.text;
        if (isObject(part) && part.type !== 'text') return ''; // images and other non-text parts carry no text
        return malformed(`${at}[${i}]`, `expected a text part {type: "text", text}, found ${JSON.stringify(part).slice(0, 80)}`);
      })
      .join('');
  }
  return malformed(at, `expected a string or a list of text parts, found ${typeof content}`);
}

/** The array at `record[key]`, or a malformed-record error. */
export function arrayField(record: Record<string, unknown>, key: string, at: string): unknown[] {
  const value = record[key];
  if (!Array.isArray(value)) malformed(`${at}${key}`, `expected an array, found ${value === undefined ? 'nothing' : typeof value}`);
  return value as unknown[];
}

/**
 * The issue inside an agent's first user message: the `<pr_description>` of SWE-agent/OpenHands/SWE-smith
 * prompts, SWE-agent's `ISSUE:` ... `INSTRUCTIONS:` block, else the whole message, trimmed.
 */
export function issueFromPrompt(text: string): string {
  const pr = /<pr_description>\n?([\s\S]*?)\n?<\/pr_description>/.exec(text);
  if (pr) return (pr[1] as string).trim();
  const issue = /ISSUE:\n([\s\S]*?)\n\s*INSTRUCTIONS:/.exec(text);
  if (issue) return (issue[1] as string).trim();
  return text.trim();
}

/** `owner/name` of a SWE-bench (`django__django-11099`) or SWE-smith (`pandas-dev__pandas.95280573.pr_53652`) id. */
export function repoFromInstanceId(id: string): string | undefined {
  const m = /^([A-Za-z0-9_.-]+?)__([A-Za-z0-9_-]+?)(?:-\d+|\.[0-9a-f]{8}\..*)$/.exec(id);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
