/**
 * OpenRLHF's remote reward protocol (`--remote_rm_url`): the trainer POSTs
 * `{query, prompts, labels}` and reads `rewards` (used for advantages), `scores` (dynamic
 * filtering) and `extra_logs` (logged to wandb). `query[i]` is the decoded prompt plus response,
 * special tokens and padding included (`batch_decode(..., skip_special_tokens=False)`);
 * `prompts[i]` is the prompt text; `labels[i]` is the dataset's `--label_key` column.
 */
import { SrlError, type RewardInput, type RewardResult } from '@srl/core';

/** End-of-text and padding tokens that decoding leaves after a response; stripped by default. */
export const DEFAULT_STRIP_SUFFIXES = ['<|endoftext|>', '<|im_end|>', '<|eot_id|>', '<|end_of_text|>', '<|end|>', '</s>', '<eos>', '<pad>'];

export interface OpenRlhfResponse {
  rewards: (number | null)[];
  scores: (number | null)[];
  extra_logs: Record<string, (number | null)[]>;
}

function stringList(body: Record<string, unknown>, key: string, length?: number): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new SrlError('validation', `"${key}" must be an array, found ${JSON.stringify(value).slice(0, 60)}`);
  if (length !== undefined && value.length !== length)
    throw new SrlError('validation', `"${key}" has ${value.length} entries but "query" has ${length}; send one per query`);
  return value.map((v, i) => {
    if (typeof v === 'string') return v;
    if (key === 'labels' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
    throw new SrlError('validation', `"${key}"[${i}] must be a string, found ${JSON.stringify(v)?.slice(0, 60) ?? 'nothing'}`);
  });
}

/** The response part of `query`: after the prompt, without trailing end-of-text/padding tokens. */
export function splitResponse(query: string, prompt: string, stripSuffixes: readonly string[], where: string): string {
  const at = query.indexOf(prompt);
  if (at < 0) {
    throw new SrlError(
      'validation',
      `${where}: query does not contain its prompt (query starts ${JSON.stringify(query.slice(0, 60))}, prompt starts ${JSON.stringify(prompt.slice(0, 60))}); send query = prompt + response`,
    );
  }
  let response = query.slice(at + prompt.length);
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const s of stripSuffixes) {
      if (s && response.endsWith(s)) {
        response = response.slice(0, -s.length);
        stripped = true;
      }
    }
  }
  return response;
}

/** Validates an OpenRLHF request body and turns it into srl reward inputs (labels -> reference). */
export function openRlhfInputs(body: unknown, stripSuffixes: readonly string[] = DEFAULT_STRIP_SUFFIXES): RewardInput[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SrlError('validation', `expected a JSON object {"query": [...], "prompts": [...], "labels": [...]}, found ${JSON.stringify(body)?.slice(0, 60)}`);
  const b = body as Record<string, unknown>;
  const query = stringList(b, 'query');
  if (!query) throw new SrlError('validation', '"query" is missing: send {"query": [prompt + response, ...], "prompts": [...], "labels": [...]}');
  const prompts = stringList(b, 'prompts', query.length);
  if (!prompts)
    throw new SrlError('validation', '"prompts" is missing: srl needs each prompt to split the response off its query (OpenRLHF sends it since 0.6)');
  const labels = stringList(b, 'labels', query.length);
  return query.map((q, i) => ({
    completion: splitResponse(q, prompts[i], stripSuffixes, `query[${i}]`),
    prompt: prompts[i],
    ...(labels ? { reference: labels[i] } : {}),
  }));
}

/** `rewards` and `scores` are the reward (null where it does not apply); `extra_logs` its components. */
export function openRlhfResponse(results: RewardResult[]): OpenRlhfResponse {
  const rewards = results.map((r) => r.reward);
  const keys = new Set(results.flatMap((r) => Object.keys(r.components)));
  const extra_logs: Record<string, (number | null)[]> = {};
  for (const k of keys) extra_logs[k] = results.map((r) => r.components[k] ?? null);
  return { rewards, scores: rewards.slice(), extra_logs };
}
