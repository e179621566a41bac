import { SeededRng } from '@srl/core/base';

/**
 * One random stream per prompt, drawn from `rng` (four 32-bit words each, in prompt order): the samples of
 * prompt i consume only stream i, so a prompt's samples do not depend on which other prompts share its batch,
 * and a batch split across threads (parallel/parallel-generate.ts) samples what one thread samples.
 */
export function promptStreams(rng: SeededRng, count: number): SeededRng[] {
  return Array.from({ length: count }, () => SeededRng.fromWords([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]));
}
