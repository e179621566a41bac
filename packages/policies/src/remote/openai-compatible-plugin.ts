import { Default, definePlugin, StringEnum, Type, type PluginOptions } from '@srl/core';
import { OpenAiCompatiblePolicy } from './openai-compatible-policy';

/** The options of `openai-compatible`, declared once (schema, type, defaults). */
export const openAiCompatibleOptions = Type.Object(
  {
    baseURL: Type.String({ pattern: '^https?://', description: 'API root, e.g. http://127.0.0.1:8000/v1' }),
    /** vLLM: the served model name. */
    model: Type.String({ minLength: 1, description: 'model name sent with each request' }),
    apiKey: Type.Optional(Type.String({ description: 'API key (prefer apiKeyEnv)' })),
    /** Used when `apiKey` is not given. */
    apiKeyEnv: Type.Optional(Type.String({ minLength: 1, description: 'environment variable holding the API key' })),
    /** `chat`: POST /chat/completions, the server applies the model's chat template. `completions`: POST /completions with text. */
    endpoint: Default(StringEnum(['chat', 'completions'], { description: 'chat: server applies the chat template; completions: raw text' }), 'chat'),
    concurrency: Default(Type.Integer({ minimum: 1, description: 'requests in flight at once' }), 8),
    timeoutMs: Default(Type.Integer({ minimum: 1, description: 'per-request timeout' }), 600_000),
    /** Exponential backoff, honouring Retry-After. */
    maxRetries: Default(Type.Integer({ minimum: 0, description: 'retries with backoff on 408/409/429/5xx and dropped connections' }), 4),
    /** `logprobs: true` / `logprobs: 0` in the request. */
    logprobs: Default(Type.Boolean({ description: "request the sampled tokens' log-probs" }), true),
    chatTemplate: Type.Optional(
      Type.String({ minLength: 1, description: 'completions endpoint: template for chat prompts (chatml, qwen2, llama-3, plain, or Jinja)' }),
    ),
    /** Merged into every request body (vLLM/SGLang extensions such as `top_k`, `return_tokens_as_token_ids`). */
    extraBody: Default(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'extra request fields (e.g. {"top_k": 20} for vLLM)' }), {}),
  },
  { additionalProperties: false },
);
export type OpenAiCompatibleOptions = PluginOptions<typeof openAiCompatibleOptions>;

/** `openai-compatible`: any server speaking the OpenAI API (vLLM, SGLang, llama.cpp, `srl serve policy`); generation only. */
export const openAiCompatiblePlugin = definePlugin({
  kind: 'policy',
  name: 'openai-compatible',
  description: 'A model behind an OpenAI-compatible HTTP API (vLLM, SGLang, llama.cpp, srl serve policy); evaluation and data only, not trainable',
  options: openAiCompatibleOptions,
  create: (options) => new OpenAiCompatiblePolicy(options),
});
