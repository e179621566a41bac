/**
 * Chat templates: Jinja sources rendered with @huggingface/jinja exactly as `transformers`' `apply_chat_template`
 * renders them (trim_blocks and lstrip_blocks on; context: messages, add_generation_prompt, the special tokens).
 * Built-in templates cover the common formats for tokenizers whose config has none.
 */
import { Template } from '@huggingface/jinja';
import { SrlError, type ChatMessage } from '@srl/core';

/** ChatML without a default system prompt. */
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Qwen2-Instruct: ChatML with "You are a helpful assistant." when the chat has no system message. */
const QWEN2 =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}" +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Llama-2-chat (`[INST]`, `<<SYS>>`), as in Meta's reference and the hub's tokenizer_config.json. */
const LLAMA2 =
  "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}" +
  '{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}' +
  "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}" +
  "{% else %}{% set content = message['content'] %}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}" +
  "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

/** Llama-3-Instruct header ids (`<|start_header_id|>role<|end_header_id|>`, `<|eot_id|>`). */
const LLAMA3 =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' %}" +
  '{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}' +
  "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

/** Plain text: "User: ...", "Assistant: ...", turns separated by a blank line; no special tokens. */
const PLAIN =
  "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}" +
  "{% elif message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\\n\\n' }}" +
  "{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + '\\n\\n' }}" +
  "{% else %}{{ message['role'] + ': ' + message['content'] + '\\n\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

export const BUILTIN_CHAT_TEMPLATES = { chatml: CHATML, qwen2: QWEN2, 'llama-2': LLAMA2, 'llama-3': LLAMA3, plain: PLAIN } as const;
export type BuiltinChatTemplate = keyof typeof BUILTIN_CHAT_TEMPLATES;

/** End-of-turn tokens of the common chat formats. */
const END_OF_TURN_TOKENS = ['<|im_end|>', '<|eot_id|>', '<|end|>', '<end_of_turn>', '<|endoftext|>'];

/**
 * The end-of-turn tokens a template writes (e.g. `<|im_end|>` for ChatML) among a tokenizer's special tokens:
 * generation should stop on them as on EOS.
 */
export function stopTokensFor(template: string, specialTokens: readonly string[]): string[] {
  return END_OF_TURN_TOKENS.filter((t) => template.includes(t) && specialTokens.includes(t));
}

/** A built-in name, or a Jinja source. */
export function resolveChatTemplate(nameOrSource: string): string {
  if (Object.hasOwn(BUILTIN_CHAT_TEMPLATES, nameOrSource)) return BUILTIN_CHAT_TEMPLATES[nameOrSource as BuiltinChatTemplate];
  if (nameOrSource.includes('{{') || nameOrSource.includes('{%')) return nameOrSource;
  throw new SrlError(
    'validation',
    `unknown chat template ${JSON.stringify(nameOrSource)}: expected one of ${Object.keys(BUILTIN_CHAT_TEMPLATES).join(', ')} or a Jinja template`,
  );
}

/** Pick a built-in template from the special tokens a tokenizer has: llama-3 headers, ChatML markers, else plain. */
export function detectChatTemplate(hasToken: (token: string) => boolean): BuiltinChatTemplate {
  if (hasToken('<|start_header_id|>') && hasToken('<|eot_id|>')) return 'llama-3';
  if (hasToken('<|im_start|>') && hasToken('<|im_end|>')) return 'chatml';
  return 'plain';
}

const compiled = new Map<string, Template>();

export interface RenderChatTemplateInput {
  template: string;
  messages: readonly ChatMessage[];
  addGenerationPrompt?: boolean;
  /** bos_token, eos_token, ... as the template sees them; undefined ones stay undefined in the template. */
  specialTokens?: Record<string, string | undefined>;
}

/** Render a Jinja chat template. Throws SrlError('validation') when the template rejects the messages. */
export function renderChatTemplate(input: RenderChatTemplateInput): string {
  let template = compiled.get(input.template);
  if (!template) {
    try {
      template = new Template(input.template);
    } catch (error) {
      throw new SrlError('validation', `chat template does not parse: ${(error as Error).message}`, { cause: error });
    }
    compiled.set(input.template, template);
  }
  // @huggingface/jinja itself provides raise_exception, strftime_now and range, as transformers does.
  const context: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(input.specialTokens ?? {}).filter(([, v]) => v !== undefined)),
    messages: input.messages.map((m) => ({ ...m })),
    add_generation_prompt: input.addGenerationPrompt ?? false,
  };
  try {
    return template.render(context);
  } catch (error) {
    throw new SrlError('validation', `chat template failed to render the messages: ${(error as Error).message}`, { cause: error });
  }
}
