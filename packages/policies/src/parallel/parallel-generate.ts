import { generate, validateGenerate, type GeneratedSequence, type GenerateOptions } from '../generation/generate';
import { promptStreams } from '../generation/prompt-streams';
import type { Transformer } from '../model/transformer';
import { assignLanes } from './assign-lanes';
import type { GradientPool } from './gradient-pool';

/**
 * `generate` with the prompts split between the main thread and `pool`'s workers (by estimated cost: prompt
 * length plus n x maxTokens), each replica with the main copy's current weights. Every prompt samples from its
 * own stream, drawn from `options.rng` in prompt order as `generate` draws them, and every share is padded to
 * the call's longest prompt (a row's float32 rounding depends on the padded length, not on the other rows), so
 * the result is bit for bit the one a single thread gives (tested in parallel-generate.test.ts). Stop strings and `onToken` need the main thread (the tokenizer lives there):
 * with either, or with one prompt, everything runs here.
 */
export async function generateAcrossLanes(
  pool: GradientPool,
  model: Transformer,
  prompts: readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<GeneratedSequence[][]> {
  if (prompts.length < 2 || (options.stop?.length ?? 0) > 0 || options.onToken !== undefined || options.useCache === false)
    return generate(model, prompts, options);
  validateGenerate(model, prompts, options);
  const streams = options.streams ?? promptStreams(options.rng, prompts.length);
  const lanes = assignLanes(
    prompts.map((p) => p.length + options.n * options.maxTokens),
    pool.lanes,
  );
  const weights = pool.shareWeights(model);
  const padPromptsTo = Math.max(options.padPromptsTo ?? 0, ...prompts.map((p) => p.length));
  const remote = lanes.slice(1).map((share, w) =>
    share.length === 0
      ? Promise.resolve([])
      : pool.generate(w, weights, {
          prompts: share.map((i) => [...prompts[i]]),
          streams: share.map((i) => streams[i].state().state),
          n: options.n,
          maxTokens: options.maxTokens,
          temperature: options.temperature,
          topP: options.topP,
          topK: options.topK,
          eosTokenIds: [...options.eosTokenIds],
          padPromptsTo,
        }),
  );
  remote.forEach((r) => r.catch(() => undefined)); // awaited below; never an unhandled rejection
  const out: GeneratedSequence[][] = new Array(prompts.length);
  try {
    const local =
      lanes[0].length === 0
        ? []
        : await generate(
            model,
            lanes[0].map((i) => prompts[i]),
            { ...options, streams: lanes[0].map((i) => streams[i]), padPromptsTo },
          );
    lanes[0].forEach((p, k) => (out[p] = local[k]));
  } finally {
    // Even when this thread failed: no worker may still be sampling when the caller goes on.
    await Promise.allSettled(remote);
  }
  const shares = await Promise.all(remote);
  shares.forEach((samples, w) =>
    lanes[w + 1].forEach((p, k) => {
      out[p] = samples[k].map((q) => {
        const seq: GeneratedSequence = { tokenIds: q.tokenIds, logprobs: q.logprobs, finishReason: q.finishReason };
        // As generate words it: the text without the eos token.
        if (options.detokenize !== undefined) seq.text = options.detokenize(q.finishReason === 'eos' ? q.tokenIds.slice(0, -1) : q.tokenIds);
        return seq;
      });
    }),
  );
  return out;
}
