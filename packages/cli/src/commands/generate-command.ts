import path from 'node:path';
import { loadRecipe, SrlError, type Logger, type Policy, type Prompt } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';
import { isCheckpointDir, loadCheckpointPolicy } from '../policy/load-checkpoint-policy';

export interface GenerateCommandOptions {
  prompt: string;
  chat?: boolean;
  maxTokens: number;
  temperature: number;
  topP: number;
  seed?: number;
  n: number;
  json?: boolean;
  backend?: string;
}

/**
 * `srl generate <checkpoint-dir | recipe> --prompt TEXT`: samples from a checkpoint (tfjs) or a recipe's policy (any,
 * e.g. openai-compatible). `--chat` sends the prompt as one user turn through the chat template. Temperature 0 is greedy.
 */
export async function generateCommand(
  target: string,
  opts: GenerateCommandOptions,
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!(opts.temperature >= 0 && opts.temperature <= 2)) throw new SrlError('usage', `--temperature must be in [0, 2], found ${opts.temperature}`);
  if (!(opts.topP > 0 && opts.topP <= 1)) throw new SrlError('usage', `--top-p must be in (0, 1], found ${opts.topP}`);
  let policy: Policy;
  if (isCheckpointDir(target)) policy = await loadCheckpointPolicy(target, { logger, ...(opts.backend ? { backend: opts.backend } : {}) });
  else {
    const env = await createPluginEnvironment();
    const recipe = await loadRecipe(target, env);
    const ref =
      opts.backend && typeof recipe.policy !== 'string' && recipe.policy[0] === 'tfjs-transformer'
        ? ([recipe.policy[0], { ...recipe.policy[1], backend: opts.backend }] as const)
        : recipe.policy;
    policy = await env.registry.create('policy', ref as typeof recipe.policy, { logger, baseDir: path.dirname(recipe.file) }, 'policy');
  }
  try {
    const prompt: Prompt = opts.chat ? [{ role: 'user', content: opts.prompt }] : opts.prompt;
    const [gen] = await policy.generate([prompt], {
      n: opts.n,
      maxTokens: opts.maxTokens,
      temperature: opts.temperature,
      topP: opts.topP,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    gen.samples.forEach((s, index) => {
      if (opts.json) out.write(`${JSON.stringify({ index, text: s.text, tokenIds: s.tokenIds, logprobs: s.logprobs, finishReason: s.finishReason })}\n`);
      else out.write(`${gen.samples.length > 1 ? `--- sample ${index + 1} (${s.finishReason}) ---\n` : ''}${s.text}\n`);
    });
  } finally {
    await policy.dispose();
  }
  return 0;
}
