import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_BACKEND } from './backend/test-backend';
import { TfjsTransformerPolicy, type TfjsTransformerPolicyOptions } from './tfjs-transformer-policy';
import { TokenizerPromptEncoder } from './tokenizer-prompt-encoder';

const fixture = fileURLToPath(new URL('./checkpoint/fixtures/transformers-tiny-qwen2/', import.meta.url));
const options = (
  extra: Partial<TfjsTransformerPolicyOptions>,
): Partial<TfjsTransformerPolicyOptions> & Pick<TfjsTransformerPolicyOptions, 'preset' | 'config'> => ({
  preset: 'llama-tiny',
  config: {},
  backend: TEST_BACKEND,
  seed: 1,
  weightDecay: 0,
  saveDtype: 'F32',
  ...extra,
});
const chat = [
  { role: 'system' as const, content: 'Solve it step by step.' },
  { role: 'user' as const, content: 'What is 12 * 7?' },
];

describe('TokenizerPromptEncoder.fromOptions', () => {
  const cases: [string, Partial<TfjsTransformerPolicyOptions>][] = [
    ['a preset with config overrides and a chat template', { config: { maxPositions: 96 }, chatTemplate: 'chatml' }],
    ['a Hugging Face checkpoint (its config.json and tokenizer.json)', { checkpoint: path.relative(process.cwd(), fixture) }],
  ];
  it.each(cases)('formats, tokenizes and bounds prompts as the policy created from %s does, without weights', async (_label, extra) => {
    const encoder = TokenizerPromptEncoder.fromOptions(options(extra), process.cwd());
    const policy = await TfjsTransformerPolicy.create(options(extra), { baseDir: process.cwd() });
    try {
      expect(encoder.contextLength).toBe(policy.contextLength);
      for (const prompt of [chat, 'a plain string prompt']) {
        expect(encoder.formatPrompt(prompt)).toBe(policy.formatPrompt(prompt));
        expect(encoder.tokenize(encoder.formatPrompt(prompt))).toEqual(policy.tokenize(policy.formatPrompt(prompt)));
      }
    } finally {
      policy.dispose();
    }
  });
});
