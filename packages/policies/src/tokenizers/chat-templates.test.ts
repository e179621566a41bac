import { describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { BUILTIN_CHAT_TEMPLATES, detectChatTemplate, renderChatTemplate, resolveChatTemplate, stopTokensFor } from './chat-templates';

const llamaTokens = { bos_token: '<s>', eos_token: '</s>' };

describe('built-in chat templates', () => {
  it('chatml', () => {
    const text = renderChatTemplate({
      template: resolveChatTemplate('chatml'),
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Sum 2 and 3' },
      ],
      addGenerationPrompt: true,
    });
    expect(text).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nSum 2 and 3<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('llama-2 with a system prompt folded into the first [INST]', () => {
    const text = renderChatTemplate({
      template: BUILTIN_CHAT_TEMPLATES['llama-2'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: ' Hi ' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Again' },
      ],
      specialTokens: llamaTokens,
    });
    // strip() applies to the whole first content (system block + message), so only the outer spaces go.
    expect(text).toBe('<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n Hi [/INST] Hello. </s><s>[INST] Again [/INST]');
  });

  it('llama-2 refuses roles that do not alternate', () => {
    try {
      renderChatTemplate({ template: BUILTIN_CHAT_TEMPLATES['llama-2'], messages: [{ role: 'assistant', content: 'x' }], specialTokens: llamaTokens });
      expect.unreachable();
    } catch (error) {
      expect(isSrlError(error)).toBe(true);
      expect((error as Error).message).toMatch(/Conversation roles must alternate/);
    }
  });

  it('llama-3 header ids, content trimmed', () => {
    const text = renderChatTemplate({
      template: BUILTIN_CHAT_TEMPLATES['llama-3'],
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: '  Hi  ' },
      ],
      addGenerationPrompt: true,
      specialTokens: { bos_token: '<|begin_of_text|>' },
    });
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('plain User:/Assistant:', () => {
    const text = renderChatTemplate({
      template: BUILTIN_CHAT_TEMPLATES.plain,
      messages: [
        { role: 'system', content: 'Solve it.' },
        { role: 'user', content: '1+1?' },
        { role: 'assistant', content: '2' },
        { role: 'user', content: '2+2?' },
      ],
      addGenerationPrompt: true,
    });
    expect(text).toBe('Solve it.\n\nUser: 1+1?\n\nAssistant: 2\n\nUser: 2+2?\n\nAssistant:');
  });

  it('resolves names and Jinja sources; rejects unknown names and bad templates', () => {
    expect(resolveChatTemplate('{{ messages[0].content }}')).toBe('{{ messages[0].content }}');
    expect(() => resolveChatTemplate('chatlm')).toThrow(/unknown chat template "chatlm": expected one of chatml, qwen2, llama-2, llama-3, plain/);
    expect(() => renderChatTemplate({ template: '{% for %}', messages: [] })).toThrow(/chat template does not parse/);
  });

  it('detects a template and its stop tokens from the special tokens', () => {
    const has = (tokens: string[]) => (t: string) => tokens.includes(t);
    expect(detectChatTemplate(has(['<|start_header_id|>', '<|eot_id|>']))).toBe('llama-3');
    expect(detectChatTemplate(has(['<|im_start|>', '<|im_end|>']))).toBe('chatml');
    expect(detectChatTemplate(has(['<s>']))).toBe('plain');
    expect(stopTokensFor(BUILTIN_CHAT_TEMPLATES.chatml, ['<|im_start|>', '<|im_end|>', '<|endoftext|>'])).toEqual(['<|im_end|>']);
    expect(stopTokensFor(BUILTIN_CHAT_TEMPLATES['llama-3'], ['<|eot_id|>'])).toEqual(['<|eot_id|>']);
    expect(stopTokensFor(BUILTIN_CHAT_TEMPLATES.chatml, [])).toEqual([]);
  });
});
