/**
 * A policy served over HTTP by anything that speaks the OpenAI API (vLLM, SGLang, llama.cpp, `srl serve policy`,
 * OpenAI itself), through the official `openai` SDK. It generates and nothing else: there are no weights here to
 * train, so training stages refuse it (export the data or serve rewards to a trainer that has the weights).
 */
import OpenAI from 'openai';
import {
  isSrlError,
  isTokenizedPrompt,
  POLICY_SPEC_VERSION,
  SrlError,
  type ChatMessage,
  type FinishReason,
  type Generation,
  type Policy,
  type PolicyPrompt,
  type Prompt,
  type Sample,
  type SamplingParams,
} from '@srl/core';
import { renderChatTemplate, resolveChatTemplate } from '../tokenizers/chat-templates';
import { limitConcurrency } from './limit-concurrency';
import type { OpenAiCompatibleOptions } from './openai-compatible-plugin';

export type { OpenAiCompatibleOptions };

interface ChoiceLogprobs {
  tokens: string[];
  logprobs: number[];
}

export class OpenAiCompatiblePolicy implements Policy {
  readonly specVersion = POLICY_SPEC_VERSION;
  readonly name: string;
  private readonly client: OpenAI;
  private readonly template: string | null;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    let apiKey = options.apiKey;
    if (apiKey === undefined && options.apiKeyEnv !== undefined) {
      apiKey = process.env[options.apiKeyEnv];
      if (!apiKey)
        throw new SrlError(
          'validation',
          `openai-compatible: apiKeyEnv names ${options.apiKeyEnv}, but that environment variable is not set; export it or pass apiKey`,
        );
    }
    // Local servers (vLLM without --api-key, llama.cpp, srl serve policy) take no key; the SDK needs a string.
    this.client = new OpenAI({ baseURL: options.baseURL, apiKey: apiKey ?? 'none', timeout: options.timeoutMs, maxRetries: options.maxRetries });
    this.template = options.chatTemplate ? resolveChatTemplate(options.chatTemplate) : null;
    this.name = `openai-compatible(${options.model} at ${options.baseURL}, ${options.endpoint})`;
  }

  /**
   * With the `completions` endpoint, the text sent. With `chat`, the server formats the chat with its own template; this
   * renders it with `chatTemplate` (default: plain "User: ..." turns) for logs and reports only.
   */
  formatPrompt(prompt: Prompt): string {
    if (typeof prompt === 'string') return prompt;
    if (this.template === null && this.options.endpoint === 'completions') {
      throw new SrlError(
        'validation',
        `openai-compatible: the completions endpoint takes text, but this prompt is a chat; set endpoint: "chat" (the server applies the model's chat template) or chatTemplate (e.g. "chatml") to render it here`,
      );
    }
    return renderChatTemplate({ template: this.template ?? resolveChatTemplate('plain'), messages: prompt, addGenerationPrompt: true });
  }

  /**
   * A tokenized prompt is sent as its text: the server tokenizes with its own tokenizer (ids from a local one need
   * not match the served model's), and the generation reports the ids it was given.
   */
  async generate(prompts: PolicyPrompt[], params: SamplingParams): Promise<Generation[]> {
    const n = params.n ?? 1;
    return limitConcurrency(
      this.options.concurrency,
      prompts.map((given) => async () => {
        const prompt: Prompt = isTokenizedPrompt(given) ? given.text : given;
        const samples: Sample[] = [];
        // Some servers (llama.cpp) return one choice whatever n is: ask again for the rest.
        while (samples.length < n) {
          const got = await this.request(prompt, { ...params, n: n - samples.length });
          if (got.length === 0) throw new SrlError('runtime', `${this.url()} returned no choices for n = ${n - samples.length}; expected at least one`);
          samples.push(...got);
        }
        return { promptText: this.formatPrompt(prompt), promptTokenIds: isTokenizedPrompt(given) ? [...given.tokenIds] : [], samples: samples.slice(0, n) };
      }),
    );
  }

  dispose(): void {}

  private url(): string {
    return `${this.options.baseURL.replace(/\/+$/, '')}/${this.options.endpoint === 'chat' ? 'chat/completions' : 'completions'}`;
  }

  private body(params: SamplingParams): Record<string, unknown> {
    return {
      model: this.options.model,
      n: params.n ?? 1,
      temperature: params.temperature ?? 1,
      top_p: params.topP ?? 1,
      max_tokens: params.maxTokens,
      ...(params.stop?.length ? { stop: params.stop } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.topK ? { top_k: params.topK } : {}),
      ...this.options.extraBody,
    };
  }

  private async request(prompt: Prompt, params: SamplingParams): Promise<Sample[]> {
    try {
      if (this.options.endpoint === 'chat') {
        const messages = typeof prompt === 'string' ? [{ role: 'user' as const, content: prompt }] : prompt;
        const body = {
          ...this.body(params),
          messages: messages.map((m: ChatMessage) => ({ role: m.role, content: m.content })),
          ...(this.options.logprobs ? { logprobs: true } : {}),
        };
        const res = await this.client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
        return res.choices.map((c) => {
          const content = c.logprobs?.content ?? [];
          return toSample(c.message.content ?? '', c.finish_reason, (c as { stop_reason?: unknown }).stop_reason, {
            tokens: content.map((t) => t.token),
            logprobs: content.map((t) => t.logprob),
          });
        });
      }
      const body = { ...this.body(params), prompt: this.formatPrompt(prompt), ...(this.options.logprobs ? { logprobs: 0 } : {}) };
      const res = await this.client.completions.create(body as unknown as OpenAI.CompletionCreateParamsNonStreaming);
      return res.choices.map((c) => {
        const lp = c.logprobs;
        return toSample(c.text, c.finish_reason, (c as { stop_reason?: unknown }).stop_reason, {
          tokens: lp?.tokens ?? [],
          logprobs: (lp?.token_logprobs ?? []).map((x) => x ?? Number.NaN),
        });
      });
    } catch (error) {
      throw this.describe(error);
    }
  }

  private describe(error: unknown): SrlError {
    const url = this.url();
    if (error instanceof OpenAI.APIConnectionTimeoutError)
      return new SrlError(
        'runtime',
        `${url}: no answer within timeoutMs = ${this.options.timeoutMs} (after ${this.options.maxRetries} retries); raise timeoutMs or check the server`,
        { cause: error },
      );
    if (error instanceof OpenAI.APIConnectionError)
      return new SrlError(
        'runtime',
        `${url}: cannot connect (${(error.cause as Error | undefined)?.message ?? error.message}) after ${this.options.maxRetries} retries; is the server running at baseURL ${this.options.baseURL}?`,
        { cause: error },
      );
    if (error instanceof OpenAI.APIError) {
      const hint =
        error.status === 401 || error.status === 403
          ? 'check apiKey / apiKeyEnv'
          : error.status === 404
            ? `check baseURL (it usually ends in /v1), model "${this.options.model}" and endpoint "${this.options.endpoint}"`
            : error.status === 400
              ? 'the server refused the request parameters'
              : error.status === 429 || (error.status ?? 0) >= 500
                ? `still failing after ${this.options.maxRetries} retries; raise maxRetries or lower concurrency`
                : 'unexpected status';
      return new SrlError('runtime', `${url} answered HTTP ${error.status}: ${error.message} (${hint})`, { cause: error });
    }
    if (isSrlError(error)) return error;
    return new SrlError('runtime', `${url}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * One choice as a Sample. Log-probs come from the server or not at all (empty, never invented); token ids only
 * when the server writes tokens as `token_id:N` (vLLM's `return_tokens_as_token_ids`). OpenAI's finish reason
 * `stop` covers both EOS and stop strings; vLLM's `stop_reason` (null for EOS) tells them apart.
 */
function toSample(text: string, finish: string | null, stopReason: unknown, lp: ChoiceLogprobs): Sample {
  const ids = lp.tokens.map((t) => /^token_id:(\d+)$/.exec(t));
  const finishReason: FinishReason = finish === 'length' ? 'length' : finish === 'stop' && stopReason === null ? 'eos' : 'stop';
  return {
    text,
    tokenIds: ids.length > 0 && ids.every((m) => m !== null) ? ids.map((m) => Number((m as RegExpExecArray)[1])) : [],
    logprobs: lp.logprobs.every(Number.isFinite) ? lp.logprobs : [],
    finishReason,
  };
}
