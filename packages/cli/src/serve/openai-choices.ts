/**
 * OpenAI response bodies from srl samples: whole choices for `/v1/completions` and `/v1/chat/completions`, and the
 * streamed deltas (server-sent events) of each choice.
 */
import type { Sample } from '@srl/core';

/** Writes one token for the `logprobs` fields: its text, or `token_id:N` (vLLM's return_tokens_as_token_ids). */
export type TokenText = (id: number) => string;

/** OpenAI has one "stop" for EOS and stop strings; `stop_reason` (as vLLM) is null for EOS, the matched string otherwise. */
export function finishFields(sample: Sample, o: ChoiceOptions): { finish_reason: 'stop' | 'length'; stop_reason: string | null } {
  if (sample.finishReason === 'length') return { finish_reason: 'length', stop_reason: null };
  if (sample.finishReason === 'eos') return { finish_reason: 'stop', stop_reason: null };
  const full = o.detokenize(sample.tokenIds);
  const stops = o.stop ?? [];
  return { finish_reason: 'stop', stop_reason: stops.find((s) => full.startsWith(s, sample.text.length)) ?? stops[0] ?? null };
}

export interface ChoiceOptions {
  stop?: readonly string[];
  logprobs: boolean;
  tokenText: TokenText;
  detokenize: (ids: number[]) => string;
}

export function completionLogprobs(tokenIds: readonly number[], logprobs: readonly number[], tokenText: TokenText): Record<string, unknown> {
  const tokens = tokenIds.map(tokenText);
  let offset = 0;
  const textOffset = tokens.map((t) => ((offset += t.length), offset - t.length));
  return { tokens, token_logprobs: [...logprobs], top_logprobs: null, text_offset: textOffset };
}

export function chatLogprobs(tokenIds: readonly number[], logprobs: readonly number[], tokenText: TokenText): Record<string, unknown> {
  return {
    content: tokenIds.map((id, i) => {
      const token = tokenText(id);
      return { token, logprob: logprobs[i], bytes: [...Buffer.from(token, 'utf8')], top_logprobs: [] };
    }),
  };
}

/** One choice of a non-streamed answer. */
export function choice(kind: 'completions' | 'chat', index: number, sample: Sample, o: ChoiceOptions): Record<string, unknown> {
  const lp = o.logprobs ? (kind === 'chat' ? chatLogprobs : completionLogprobs)(sample.tokenIds, sample.logprobs, o.tokenText) : null;
  const body = kind === 'chat' ? { message: { role: 'assistant', content: sample.text } } : { text: sample.text };
  return { index, ...body, logprobs: lp, ...finishFields(sample, o) };
}

/**
 * Turns a choice's growing token list into text deltas. Text is held back while it ends in an incomplete UTF-8
 * character (U+FFFD) or in what may be the start of a stop string, so the concatenated deltas are exactly the final
 * text; tokens (and log-probs) travel with the delta that first shows them.
 */
export class StreamedChoice {
  private emitted = '';
  private sentTokens = 0;

  constructor(
    private readonly detokenize: (ids: number[]) => string,
    private readonly stop: readonly string[],
  ) {}

  /** The delta after a new token, or null when nothing can be shown yet. */
  next(tokenIds: readonly number[]): { text: string; from: number; to: number } | null {
    let text = this.detokenize([...tokenIds]);
    text = text.replace(/\uFFFD+$/, '');
    text = text.slice(0, text.length - heldBack(text, this.stop));
    if (text.length <= this.emitted.length || !text.startsWith(this.emitted)) return null;
    const delta = { text: text.slice(this.emitted.length), from: this.sentTokens, to: tokenIds.length };
    this.emitted = text;
    this.sentTokens = tokenIds.length;
    return delta;
  }

  /** What remains once the sample is final (its text already cut at a stop string). */
  finish(sample: Sample): { text: string; from: number; to: number } {
    const rest = sample.text.startsWith(this.emitted) ? sample.text.slice(this.emitted.length) : '';
    const delta = { text: rest, from: this.sentTokens, to: sample.tokenIds.length };
    this.emitted = sample.text;
    this.sentTokens = sample.tokenIds.length;
    return delta;
  }
}

/** Length of the longest end of `text` that is a proper start of some stop string. */
function heldBack(text: string, stops: readonly string[]): number {
  let keep = 0;
  for (const s of stops) {
    for (let k = Math.min(s.length - 1, text.length); k > keep; k--) {
      if (text.endsWith(s.slice(0, k))) {
        keep = k;
        break;
      }
    }
  }
  return keep;
}
