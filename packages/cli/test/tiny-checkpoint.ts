import { fileURLToPath } from 'node:url';
import { TfjsTransformerPolicy } from '@srl/policies';

/** The tokenizer (a 277-token byte-level BPE with a ChatML template) of the policies package's transformers fixture. */
const TOKENIZER = fileURLToPath(new URL('../../policies/src/checkpoint/fixtures/transformers-tiny-qwen2/', import.meta.url));

/**
 * Writes a tiny Qwen2 checkpoint (hidden 32, 2 layers) with a real BPE tokenizer and chat template to `dir`, after a
 * few cross-entropy steps towards short boxed answers: replies stay short and still depend on the prompt.
 */
export async function writeTinyCheckpoint(dir: string): Promise<void> {
  const policy = await TfjsTransformerPolicy.create({
    preset: 'qwen2-tiny',
    config: { maxPositions: 512 },
    tokenizer: TOKENIZER,
    backend: 'wasm',
    seed: 3,
    weightDecay: 0,
    saveDtype: 'F32',
  });
  const items = [
    [2, 2],
    [3, 4],
    [1, 5],
  ].map(([a, b]) => ({
    promptTokenIds: policy.tokenize(policy.formatPrompt([{ role: 'user', content: `What is ${a} + ${b}?` }])),
    completionTokenIds: [...policy.tokenize(`${a} + ${b} = ${a + b}, so \\boxed{${a + b}}.`), policy.eosTokenId as number],
  }));
  for (let i = 0; i < 3; i++) await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-2 });
  await policy.save(dir);
  policy.dispose();
}
