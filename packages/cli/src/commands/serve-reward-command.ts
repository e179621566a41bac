import cluster from 'node:cluster';
import { SrlError, type Logger } from '@srl/core';
import { createServedReward } from '../serve/create-served-reward';
import { startRewardServer } from '../serve/reward-server';

export interface ServeRewardOptions {
  options?: string;
  stage?: number;
  plugin?: string[];
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  strip?: string[];
  /** Server processes sharing the port (node:cluster); each holds its own reward model. */
  workers?: number;
}

const banner = (url: string, reward: string, workers: number): string =>
  `listening on ${url} (reward ${reward}${workers > 1 ? `, ${workers} workers` : ''}: POST / or /reward for OpenRLHF, POST /score for srl rows, GET /health)\n`;

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (name: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(name);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `srl serve reward (<name> [--options JSON] | <recipe> [--stage N]) [--workers N]`: serves the
 * reward over HTTP until SIGINT or SIGTERM. Prints `listening on <url>` on stdout once every
 * worker accepts requests. With workers > 1 the primary only forks, relays and stops them.
 */
export async function serveRewardCommand(
  target: string,
  opts: ServeRewardOptions,
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const workers = opts.workers ?? 1;
  if (workers > 1 && cluster.isPrimary) {
    const forked = Array.from({ length: workers }, () => cluster.fork());
    const urls = await Promise.all(
      forked.map(
        (w) =>
          new Promise<string>((resolve, reject) => {
            w.on('message', (m: { listening?: string; reward?: string }) => m.listening && resolve(`${m.listening}|${m.reward}`));
            w.once('exit', (code) =>
              reject(
                new SrlError(
                  'runtime',
                  `reward worker exited with code ${code} before listening; expected every worker to start its server: run with --workers 1 to see the worker's own error`,
                ),
              ),
            );
          }),
      ),
    );
    const [url, reward] = urls[0].split('|');
    out.write(banner(url, reward, workers));
    const signal = await untilSignal();
    logger.log('info', `${signal}: stopping ${workers} reward workers`);
    await Promise.all(forked.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.process.kill('SIGTERM')))));
    return 0;
  }
  const model = await createServedReward({
    target,
    logger,
    ...(opts.options !== undefined ? { options: opts.options } : {}),
    ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
    ...(opts.plugin ? { plugins: opts.plugin } : {}),
  });
  const server = await startRewardServer({
    model,
    logger,
    // Workers of one cluster that listen on port 0 all get the same port from the primary.
    port: opts.port ?? 8000,
    host: opts.host ?? '127.0.0.1',
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.strip ? { stripSuffixes: opts.strip } : {}),
  });
  if (cluster.isWorker) process.send!({ listening: server.url, reward: model.name });
  else out.write(banner(server.url, model.name, 1));
  const signal = await untilSignal();
  if (!cluster.isWorker) logger.log('info', `${signal}: closing the reward server`);
  await server.close();
  await model.dispose?.();
  cluster.worker?.disconnect(); // the IPC channel would keep a worker alive
  return 0;
}
