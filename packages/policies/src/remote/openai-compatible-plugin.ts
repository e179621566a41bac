import { definePlugin } from '@srl/core';
import { OpenAiCompatiblePolicy, type OpenAiCompatibleOptions } from './openai-compatible-policy';

/** `openai-compatible`: any server speaking the OpenAI API (vLLM, SGLang, llama.cpp, `srl serve policy`); generation only. */
export const openAiCompatiblePlugin = definePlugin<'policy', OpenAiCompatibleOptions>({
  kind: 'policy',
  name: 'openai-compatible',
  description: 'A model behind an OpenAI-compatible HTTP API (vLLM, SGLang, llama.cpp, srl serve policy); evaluation and data only, not trainable',
  optionsSchema: {
    type: 'object',
    properties: {
      baseURL: { type: 'string', pattern: '^https?://', description: 'API root, e.g. http://127.0.0.1:8000/v1' },
      model: { type: 'string', minLength: 1, description: 'model name sent with each request' },
      apiKey: { type: 'string', description: 'API key (prefer apiKeyEnv)' },
      apiKeyEnv: { type: 'string', minLength: 1, description: 'environment variable holding the API key' },
      endpoint: { type: 'string', enum: ['chat', 'completions'], description: 'chat: server applies the chat template; completions: raw text' },
      concurrency: { type: 'integer', minimum: 1, description: 'requests in flight at once' },
      timeoutMs: { type: 'integer', minimum: 1, description: 'per-request timeout' },
      maxRetries: { type: 'integer', minimum: 0, description: 'retries with backoff on 408/409/429/5xx and dropped connections' },
      logprobs: { type: 'boolean', description: 'request the sampled tokens\' log-probs' },
      chatTemplate: { type: 'string', minLength: 1, description: 'completions endpoint: template for chat prompts (chatml, qwen2, llama-3, plain, or Jinja)' },
      extraBody: { type: 'object', description: 'extra request fields (e.g. {"top_k": 20} for vLLM)' },
    },
    required: ['baseURL', 'model'],
    additionalProperties: false,
  },
  defaults: { endpoint: 'chat', concurrency: 8, timeoutMs: 600_000, maxRetries: 4, logprobs: true, extraBody: {} },
  create: (options) => new OpenAiCompatiblePolicy(options),
});
