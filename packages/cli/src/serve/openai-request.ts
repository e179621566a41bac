/**
 * Parses and checks the body of an OpenAI `/v1/completions` or `/v1/chat/completions` request, reporting the first
 * problem with the offending parameter, as OpenAI's 400 answers do.
 */
import type { ChatMessage, Prompt, SamplingParams } from '@srl/core';

/** A request the server refuses: the HTTP status and OpenAI's error fields. */
export class OpenAiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = status >= 500 ? 'server_error' : 'invalid_request_error',
  ) {
    super(message);
  }
}

export interface RequestLimits {
  /** Largest `max_tokens` accepted. */
  maxTokens: number;
  /** Largest `n` accepted. */
  maxN: number;
}

export interface ParsedRequest {
  kind: 'completions' | 'chat';
  model: string;
  prompts: Prompt[];
  params: SamplingParams;
  stream: boolean;
  includeUsage: boolean;
  logprobs: boolean;
  /** vLLM's `return_tokens_as_token_ids`: tokens in logprobs are written `token_id:N`. */
  tokenIdsAsTokens: boolean;
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Fields srl's sampler cannot honour: refused unless they hold the value that means "off". */
const UNSUPPORTED: Record<string, (v: unknown) => boolean> = {
  echo: (v) => v === false,
  suffix: (v) => v === '',
  best_of: (v) => v === 1,
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  logit_bias: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0,
  tools: (v) => Array.isArray(v) && v.length === 0,
  response_format: (v) => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'text',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v)?.slice(0, 60) ?? String(v);

function bad(param: string, message: string): never {
  throw new OpenAiRequestError(400, `${param}: ${message}`, param);
}

function number(
  body: Record<string, unknown>,
  key: string,
  fallback: number,
  check: { min: number; max: number; integer?: boolean; minExclusive?: boolean },
): number {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (check.integer && !Number.isInteger(v)))
    bad(key, `expected ${check.integer ? 'an integer' : 'a number'}, found ${show(v)}`);
  if (v < check.min || (check.minExclusive && v === check.min) || v > check.max)
    bad(key, `${v} is out of range: expected ${check.minExclusive ? '>' : '>='} ${check.min} and <= ${check.max}`);
  return v;
}

function messages(v: unknown): ChatMessage[] {
  if (!Array.isArray(v) || v.length === 0) bad('messages', `expected a non-empty array of {role, content}, found ${show(v)}`);
  return v.map((m, i) => {
    if (!isObject(m)) bad(`messages[${i}]`, `expected an object {role, content}, found ${show(m)}`);
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) bad(`messages[${i}].role`, `expected one of ${[...ROLES].join(', ')}, found ${show(m.role)}`);
    let content = m.content;
    // Content parts: only text parts are meaningful to a text model.
    if (Array.isArray(content)) {
      content = content
        .map((part, j) => {
          if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string')
            bad(`messages[${i}].content[${j}]`, `only {"type": "text", "text": "..."} parts are supported, found ${show(part)}`);
          return part.text;
        })
        .join('');
    }
    if (typeof content !== 'string') bad(`messages[${i}].content`, `expected a string, found ${show(content)}`);
    return { role: m.role as ChatMessage['role'], content };
  });
}

function stops(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length > 4 || list.some((s) => typeof s !== 'string' || s === ''))
    bad('stop', `expected a non-empty string or up to 4 of them, found ${show(v)}`);
  return list as string[];
}

/** Parses a request body (already JSON-decoded) for the given endpoint. */
export function parseOpenAiRequest(kind: 'completions' | 'chat', body: unknown, limits: RequestLimits): ParsedRequest {
  if (!isObject(body)) bad('body', `expected a JSON object, found ${show(body)}`);
  if (typeof body.model !== 'string' || body.model === '') bad('model', `expected the model name (GET /v1/models lists it), found ${show(body.model)}`);
  for (const [key, ok] of Object.entries(UNSUPPORTED)) {
    if (body[key] !== undefined && body[key] !== null && !ok(body[key])) bad(key, `${show(body[key])} is not supported by this server; leave it out`);
  }
  let prompts: Prompt[];
  if (kind === 'chat') prompts = [messages(body.messages)];
  else {
    const p = body.prompt;
    if (typeof p === 'string') prompts = [p];
    else if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'string')) prompts = p as string[];
    else bad('prompt', `expected a string or a non-empty array of strings, found ${show(p)}`);
  }
  const maxKey = kind === 'chat' && body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  // OpenAI's legacy completions default to 16 tokens; chat replies run to the limit (or EOS).
  const maxTokens = number(body, maxKey, kind === 'chat' ? limits.maxTokens : Math.min(16, limits.maxTokens), { min: 1, max: limits.maxTokens, integer: true });
  const n = number(body, 'n', 1, { min: 1, max: limits.maxN, integer: true });
  const temperature = number(body, 'temperature', 1, { min: 0, max: 2 });
  const topP = number(body, 'top_p', 1, { min: 0, max: 1, minExclusive: true });
  const topK = number(body, 'top_k', 0, { min: -1, max: 1e9, integer: true });
  const seed = body.seed === undefined || body.seed === null ? undefined : number(body, 'seed', 0, { min: -(2 ** 53), max: 2 ** 53, integer: true });
  const stop = stops(body.stop);
  let logprobs = false;
  if (kind === 'chat') {
    if (body.logprobs !== undefined && body.logprobs !== null && typeof body.logprobs !== 'boolean')
      bad('logprobs', `expected true or false, found ${show(body.logprobs)}`);
    logprobs = body.logprobs === true;
    if (number(body, 'top_logprobs', 0, { min: 0, max: 20, integer: true }) > 0)
      bad('top_logprobs', "this server returns only the sampled token's log-prob: leave top_logprobs out (or 0)");
  } else if (body.logprobs !== undefined && body.logprobs !== null) {
    if (number(body, 'logprobs', 0, { min: 0, max: 5, integer: true }) > 0)
      bad('logprobs', "this server returns only the sampled token's log-prob: send logprobs: 0");
    logprobs = true;
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    bad('stream', `expected true or false, found ${show(body.stream)}`);
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isObject(streamOptions))
    bad('stream_options', `expected an object, found ${show(streamOptions)}`);
  return {
    kind,
    model: body.model,
    prompts,
    params: { n, temperature, topP, maxTokens, ...(topK > 0 ? { topK } : {}), ...(stop.length ? { stop } : {}), ...(seed !== undefined ? { seed } : {}) },
    stream: body.stream === true,
    includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
    logprobs,
    tokenIdsAsTokens: body.return_tokens_as_token_ids === true,
  };
}
