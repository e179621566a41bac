import { describe, expect, it } from 'vitest';
import { countParameters } from './parameter-specs';
import { TRANSFORMER_PRESETS, transformerPreset } from './presets';
import { validateTransformerConfig } from './validate-config';

describe('transformer presets', () => {
  it('are valid configs with the documented sizes (byte vocabulary)', () => {
    const counts = Object.fromEntries(Object.entries(TRANSFORMER_PRESETS).map(([name, c]) => [name, countParameters(validateTransformerConfig({ ...c }))]));
    // By hand: GPT-2 = V*C + P*C + L*(4C + 3C^2 + 3C + C^2 + C + 2*C*I + I + C) + 2C; Llama = V*C (twice if
    // untied) + L*(2C + C*H*D + 2*C*Hkv*D + H*D*C + 3*C*I (+ H*D + 2*Hkv*D biases for Qwen2)) + C.
    expect(counts).toEqual({
      'gpt2-tiny': 37_760,
      'llama-tiny': 26_784,
      'qwen2-tiny': 35_104,
      'gpt2-bench': 834_304,
      'gpt2-10m': 10_844_160,
      'llama-25m': 23_732_736,
      'llama-100m': 75_713_280,
    });
    // The benchmark's reference model: 826,112 parameters without the 64 x 128 position embeddings (nanoGPT's count).
    expect(counts['gpt2-bench'] - 64 * 128).toBe(826_112);
    // With a 32k vocabulary, llama-100m is ~100M.
    expect(countParameters({ ...transformerPreset('llama-100m'), vocabSize: 32_000 })).toBe(100_092_672);
  });

  it('refuses an unknown name, listing the presets', () => {
    expect(() => transformerPreset('gpt5')).toThrow(/unknown transformer preset "gpt5"; expected one of gpt2-tiny, llama-tiny/);
  });

  it('config validation reports every problem', () => {
    const bad = { ...transformerPreset('llama-tiny'), numHeads: 3, numKvHeads: 2, eosTokenId: 9999 };
    expect(() => validateTransformerConfig(bad)).toThrow(
      /hiddenSize 32 is not a multiple of numHeads 3.*numHeads 3 is not a multiple of numKvHeads 2.*eosTokenId: 9999/,
    );
  });
});
