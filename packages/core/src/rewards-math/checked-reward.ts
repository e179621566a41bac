import type { RewardInput, RewardModel, RewardResult } from '../contracts/reward-model';
import { REWARD_SPEC_VERSION } from '../contracts/reward-model';
import { SrlError } from '../errors';

/** A reward batch that has not answered after this long fails (override per reward with `timeoutSeconds`). */
export const DEFAULT_REWARD_TIMEOUT_SECONDS = 300;

const describe = (value: unknown): string =>
  typeof value === 'number'
    ? String(value)
    : value === undefined
      ? 'undefined'
      : `${JSON.stringify(value)?.slice(0, 40)} (a ${Array.isArray(value) ? 'array' : typeof value})`;

/**
 * Wraps a reward plugin so that what it returns can be trusted: one result per input, each reward
 * a finite number or null, every component a finite number or null, and an answer within
 * `timeoutSeconds`. Anything else fails with SrlError('plugin') naming the plugin, where the
 * recipe names it and the first bad index. Training and evaluation score only through it.
 */
export class CheckedReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;

  constructor(
    private readonly inner: RewardModel,
    private readonly o: { at: string; timeoutSeconds?: number },
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    const seconds = this.o.timeoutSeconds ?? DEFAULT_REWARD_TIMEOUT_SECONDS;
    const who = `reward "${this.inner.name}" (${this.o.at})`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SrlError(
              'plugin',
              `${who} did not answer within ${seconds} s for a batch of ${inputs.length} inputs; fix the plugin, or raise its "timeoutSeconds" in the recipe`,
            ),
          ),
        seconds * 1000,
      );
    });
    let results: unknown;
    try {
      results = await Promise.race([Promise.resolve().then(() => this.inner.score(inputs)), timeout]);
    } catch (error) {
      if ((error as SrlError).kind === 'plugin' && String((error as Error).message).startsWith(who)) throw error;
      throw new SrlError('plugin', `${who} failed on a batch of ${inputs.length} inputs: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    return check(who, results, inputs.length);
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }
}

function check(who: string, results: unknown, expected: number): RewardResult[] {
  if (!Array.isArray(results)) throw new SrlError('plugin', `${who} returned ${describe(results)}; expected an array of ${expected} results, one per input`);
  if (results.length !== expected)
    throw new SrlError('plugin', `${who} returned ${results.length} results for ${expected} inputs; a reward returns exactly one result per input, in order`);
  results.forEach((r: unknown, i) => {
    if (typeof r !== 'object' || r === null) throw new SrlError('plugin', `${who}: result ${i} is ${describe(r)}; expected { reward, components }`);
    const { reward, components } = r as { reward?: unknown; components?: unknown };
    if (!(reward === null || (typeof reward === 'number' && Number.isFinite(reward)))) {
      throw new SrlError('plugin', `${who}: result ${i} has reward ${describe(reward)}; expected a finite number, or null for "does not apply"`);
    }
    if (components !== undefined && (typeof components !== 'object' || components === null || Array.isArray(components))) {
      throw new SrlError('plugin', `${who}: result ${i} has components ${describe(components)}; expected an object of numbers`);
    }
    for (const [key, value] of Object.entries((components ?? {}) as Record<string, unknown>)) {
      if (!(value === null || (typeof value === 'number' && Number.isFinite(value)))) {
        throw new SrlError('plugin', `${who}: result ${i} has component "${key}" = ${describe(value)}; expected a finite number or null`);
      }
    }
  });
  return (results as RewardResult[]).map((r) => (r.components ? r : { ...r, components: {} }));
}
