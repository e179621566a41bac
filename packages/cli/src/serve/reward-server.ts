import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSrlError, SrlError, type Logger, type RewardModel } from '@srl/core';
import { rewardRowFrom } from '../data/reward-row';
import { DEFAULT_STRIP_SUFFIXES, openRlhfInputs, openRlhfResponse } from './openrlhf-protocol';
import { RewardBatcher } from './reward-batcher';

export interface RewardServerOptions {
  model: RewardModel;
  logger: Logger;
  port?: number;
  host?: string;
  /** Larger request bodies get a 413 (default 32 MiB). */
  maxBodyBytes?: number;
  /** Rows merged into one `score()` call across concurrent requests (default 4096). */
  maxBatchRows?: number;
  /** Trailing tokens removed from OpenRLHF responses (default: common end-of-text and pad tokens). */
  stripSuffixes?: readonly string[];
}

export interface RunningRewardServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes (--max-body-bytes); send smaller batches`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `request body exceeds the limit of ${limit} bytes (--max-body-bytes); send smaller batches`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, `request body is not valid JSON: ${(cause as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * An HTTP server over one reward model: OpenRLHF's remote reward protocol on `POST /` and
 * `/reward`, srl's own rows on `POST /score` (what `srl reward` prints), `GET /health`.
 * Malformed requests get a 400 `{error: {message, type}}` naming the offending field.
 */
export async function startRewardServer(o: RewardServerOptions): Promise<RunningRewardServer> {
  const limit = o.maxBodyBytes ?? 32 * 1024 * 1024;
  const strip = o.stripSuffixes ?? DEFAULT_STRIP_SUFFIXES;
  const batcher = new RewardBatcher(o.model, o.maxBatchRows ?? 4096);
  let served = 0;

  const handle = async (req: IncomingMessage): Promise<[number, unknown]> => {
    const url = (req.url ?? '/').split('?')[0];
    const routes = ['/', '/reward', '/score', '/health'];
    if (!routes.includes(url)) throw new HttpError(404, `no route ${req.method} ${url}; POST /, /reward (OpenRLHF), /score (srl rows) or GET /health`);
    if (url === '/health') {
      if (req.method !== 'GET') throw new HttpError(405, `${url} takes GET, found ${req.method}`);
      return [200, { status: 'ok', reward: o.model.name, requests: served }];
    }
    if (req.method !== 'POST') throw new HttpError(405, `${url} takes POST with a JSON body, found ${req.method}`);
    const body = parseJson(await readBody(req, limit));
    served++;
    if (url === '/score') {
      const many = Array.isArray(body);
      const rows = (many ? body : [body]).map((r, i) => rewardRowFrom(r, many ? `row ${i}` : 'body'));
      const results = (await batcher.score(rows)).map((r) => ({ reward: r.reward, components: r.components }));
      return [200, many ? results : results[0]];
    }
    return [200, openRlhfResponse(await batcher.score(openRlhfInputs(body, strip)))];
  };

  const server = createServer((req, res) => {
    handle(req).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => {
        if (error instanceof HttpError) {
          if (error.status === 413) res.setHeader('connection', 'close');
          return send(res, error.status, { error: { message: error.message, type: 'invalid_request' } });
        }
        if (isSrlError(error) && (error.kind === 'validation' || error.kind === 'data'))
          return send(res, 400, { error: { message: error.message, type: 'invalid_request' } });
        o.logger.log('error', `reward server: ${(error as Error).stack ?? String(error)}`);
        send(res, 500, { error: { message: `reward "${o.model.name}" failed: ${(error as Error).message}`, type: 'reward_error' } });
      },
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new SrlError('runtime', `cannot listen on ${o.host ?? '127.0.0.1'}:${o.port ?? 0}: ${e.message}`)));
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
