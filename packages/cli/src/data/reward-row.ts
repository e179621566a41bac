import { SrlError, type RewardInput } from '@srl/core';

/**
 * One srl reward row `{completion, reference?, prompt?, ...metadata}` (a parsed JSON value) as a
 * RewardInput; other fields become metadata, as TRL passes extra dataset columns. `where` names
 * the row in errors.
 */
export function rewardRowFrom(row: unknown, where: string): RewardInput {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new SrlError(
      'validation',
      `${where}: expected a JSON object like {"completion": "...", "reference": "..."}, found ${JSON.stringify(row)?.slice(0, 40)}`,
    );
  const { completion, reference, prompt, ...metadata } = row as Record<string, unknown>;
  if (typeof completion !== 'string')
    throw new SrlError('validation', `${where}: "completion" must be a string, found ${JSON.stringify(completion) ?? 'nothing'}`);
  if (reference !== undefined && typeof reference !== 'string')
    throw new SrlError('validation', `${where}: "reference" must be a string when present, found ${JSON.stringify(reference)}`);
  if (prompt !== undefined && typeof prompt !== 'string')
    throw new SrlError('validation', `${where}: "prompt" must be a string when present, found ${JSON.stringify(prompt)}`);
  return {
    completion,
    ...(reference !== undefined ? { reference } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
}
