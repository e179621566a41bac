import path from 'node:path';
import { SrlError, type Logger } from '@srl/core';
import { loadCheckpointPolicy } from '../policy/load-checkpoint-policy';
import { startPolicyServer, type RunningServer } from '../serve/policy-server';

export interface ServePolicyOptions {
  port: number;
  host: string;
  backend?: string;
  modelName?: string;
  maxTokens: number;
  maxN: number;
  maxBodyBytes: number;
  maxQueue: number;
}

/** Loads the checkpoint and starts the OpenAI-compatible server over it; `dispose` stops the server and frees the model. */
export async function startServePolicy(dir: string, opts: ServePolicyOptions, logger: Logger): Promise<RunningServer & { dispose(): Promise<void> }> {
  if (!(Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65535))
    throw new SrlError('usage', `--port must be an integer in [0, 65535] (0: any free port), found ${opts.port}`);
  const policy = await loadCheckpointPolicy(dir, { logger, ...(opts.backend ? { backend: opts.backend } : {}) });
  const modelName = opts.modelName ?? path.basename(path.resolve(dir));
  const running = await startPolicyServer({
    policy,
    modelName,
    host: opts.host,
    port: opts.port,
    maxTokens: opts.maxTokens,
    maxN: opts.maxN,
    maxBodyBytes: opts.maxBodyBytes,
    maxQueue: opts.maxQueue,
    logger,
  });
  return {
    ...running,
    dispose: async () => {
      await running.close();
      policy.dispose();
    },
  };
}

/** `srl serve policy <checkpoint-dir>`: serves until SIGINT or SIGTERM. */
export async function servePolicyCommand(dir: string, opts: ServePolicyOptions, logger: Logger): Promise<number> {
  const running = await startServePolicy(dir, opts, logger);
  logger.log(
    'info',
    `serving ${path.basename(path.resolve(dir))} at ${running.url}/v1 (GET /v1/models, POST /v1/completions, POST /v1/chat/completions, GET /health); Ctrl-C stops`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.dispose();
  logger.log('info', 'server stopped');
  return 0;
}
