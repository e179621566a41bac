import type { Logger } from '@srl/core';
import { createServedReward } from '../serve/create-served-reward';
import { startRewardServer } from '../serve/reward-server';
import { withStopSignals } from '../stop-signals';

export interface ServeRewardOptions {
  options?: string;
  stage?: number;
  plugin?: string[];
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  strip?: string[];
}

/**
 * `srl serve reward (<name> [--options JSON] | <recipe> [--stage N])`: serves the reward over HTTP
 * until SIGINT or SIGTERM. Prints `listening on <url>` on stdout once it accepts requests.
 */
export async function serveRewardCommand(target: string, opts: ServeRewardOptions, logger: Logger, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const model = await createServedReward({ target, logger, ...(opts.options !== undefined ? { options: opts.options } : {}), ...(opts.stage !== undefined ? { stage: opts.stage } : {}), ...(opts.plugin ? { plugins: opts.plugin } : {}) });
  const server = await startRewardServer({
    model,
    logger,
    port: opts.port ?? 8000,
    host: opts.host ?? '127.0.0.1',
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.strip ? { stripSuffixes: opts.strip } : {}),
  });
  out.write(`listening on ${server.url} (reward ${model.name}: POST / or /reward for OpenRLHF, POST /score for srl rows, GET /health)\n`);
  await withStopSignals(logger, (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })));
  await server.close();
  await model.dispose?.();
  logger.log('info', 'reward server stopped');
  return 0;
}
