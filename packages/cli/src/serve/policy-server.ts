/**
 * An OpenAI-compatible HTTP server over one in-process policy (`srl serve policy`). Built on node:http: four routes
 * and server-sent events need no framework, and the server stays free of dependencies. Requests run one at a time
 * in arrival order (a queue), so generations are never interleaved inside the model.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSrlError, type Generation, type Logger, type Prompt, type SamplingParams } from '@srl/core';
import { chatLogprobs, choice, completionLogprobs, finishFields, StreamedChoice, type ChoiceOptions } from './openai-choices';
import { OpenAiRequestError, parseOpenAiRequest, type ParsedRequest, type RequestLimits } from './openai-request';

/** What the server needs of a policy: `TfjsTransformerPolicy` has it all. */
export interface ServedPolicy {
  readonly name: string;
  formatPrompt(prompt: Prompt): string;
  detokenize(ids: number[]): string;
  readonly tokenizer: { decode(ids: readonly number[]): string };
  generate(
    prompts: Prompt[],
    params: SamplingParams,
    hooks?: { onToken?: (e: { prompt: number; sample: number; tokenIds: readonly number[]; logprobs: readonly number[]; finished: boolean }) => void },
  ): Promise<Generation[]>;
}

export interface PolicyServerOptions extends RequestLimits {
  policy: ServedPolicy;
  /** The id in GET /v1/models; requests must name it. */
  modelName: string;
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Requests waiting at most; beyond it the server answers 429 (clients retry). */
  maxQueue: number;
  logger?: Logger;
}

export interface RunningServer {
  server: Server;
  /** e.g. http://127.0.0.1:8000 (the API root is `${url}/v1`). */
  url: string;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const fail = (res: ServerResponse, e: OpenAiRequestError): void =>
  json(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.code } });

async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max)
      throw new OpenAiRequestError(
        413,
        `request body is larger than ${max} bytes; send less (or start the server with a larger --max-body-bytes)`,
        null,
        'body_too_large',
      );
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new OpenAiRequestError(400, `request body is not valid JSON: ${(e as Error).message}`, null, 'invalid_json');
  }
}

/** Starts the server; resolves once it listens. */
export async function startPolicyServer(o: PolicyServerOptions & { host: string; port: number }): Promise<RunningServer> {
  const { policy } = o;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    if (waiting >= o.maxQueue)
      throw new OpenAiRequestError(429, `${waiting} requests are already queued (--max-queue ${o.maxQueue}); retry later`, null, 'queue_full');
    waiting++;
    const run = queue.then(job, job);
    queue = run
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => waiting--);
    return run;
  };
  const created = (): number => Math.floor(Date.now() / 1000);
  const choiceOptions = (r: ParsedRequest): ChoiceOptions => ({
    ...(r.params.stop ? { stop: r.params.stop } : {}),
    logprobs: r.logprobs,
    tokenText: r.tokenIdsAsTokens ? (id) => `token_id:${id}` : (id) => policy.tokenizer.decode([id]),
    detokenize: (ids) => policy.detokenize(ids),
  });

  const complete = async (r: ParsedRequest, res: ServerResponse): Promise<void> => {
    const gens = await enqueue(() => policy.generate(r.prompts, r.params));
    const co = choiceOptions(r);
    const choices = gens.flatMap((g, p) => g.samples.map((s, j) => choice(r.kind, p * gens[0].samples.length + j, s, co)));
    json(res, 200, {
      id: `${r.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`,
      object: r.kind === 'chat' ? 'chat.completion' : 'text_completion',
      created: created(),
      model: o.modelName,
      choices,
      usage: usage(gens),
    });
  };

  const stream = async (r: ParsedRequest, res: ServerResponse): Promise<void> => {
    const id = `${r.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
    const object = r.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    const co = choiceOptions(r);
    const n = r.params.n ?? 1;
    const send = (body: Record<string, unknown>): void => {
      if (!res.destroyed) res.write(`data: ${JSON.stringify({ id, object, created: created(), model: o.modelName, ...body })}\n\n`);
    };
    const chunk = (
      index: number,
      text: string,
      tokens: { ids: readonly number[]; logprobs: readonly number[] } | null,
      finish: Record<string, unknown> | null,
      first = false,
    ): void => {
      const lp = r.logprobs && tokens ? (r.kind === 'chat' ? chatLogprobs : completionLogprobs)(tokens.ids, tokens.logprobs, co.tokenText) : null;
      const body = r.kind === 'chat' ? { delta: first ? { role: 'assistant', content: text } : { content: text } } : { text };
      send({
        choices: [{ index, ...body, logprobs: lp, finish_reason: finish?.finish_reason ?? null, ...(finish ? { stop_reason: finish.stop_reason } : {}) }],
      });
    };
    // Headers go out with the first token: a prompt the model refuses (too long) still gets a plain 400.
    let started = false;
    const begin = (): void => {
      if (started) return;
      started = true;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      if (r.kind === 'chat') for (let j = 0; j < n * r.prompts.length; j++) chunk(j, '', null, null, true);
    };
    const gens = await enqueue(async () => {
      const choices = r.prompts.map(() => Array.from({ length: n }, () => new StreamedChoice(co.detokenize, r.params.stop ?? [])));
      return policy
        .generate(r.prompts, r.params, {
          onToken: (e) => {
            begin();
            if (e.finished) return; // the final text (cut at a stop string) is sent once generation ends
            const delta = choices[e.prompt][e.sample].next(e.tokenIds);
            if (delta)
              chunk(
                e.prompt * n + e.sample,
                delta.text,
                { ids: e.tokenIds.slice(delta.from, delta.to), logprobs: e.logprobs.slice(delta.from, delta.to) },
                null,
              );
          },
        })
        .then((g) => ({ g, choices }));
    });
    begin();
    gens.g.forEach((g, p) =>
      g.samples.forEach((s, j) => {
        const rest = gens.choices[p][j].finish(s);
        chunk(p * n + j, rest.text, { ids: s.tokenIds.slice(rest.from, rest.to), logprobs: s.logprobs.slice(rest.from, rest.to) }, finishFields(s, co));
      }),
    );
    if (r.includeUsage) send({ choices: [], usage: usage(gens.g) });
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    if (route === 'GET /health') return json(res, 200, { status: 'ok', model: o.modelName, policy: policy.name, queued: waiting });
    if (route === 'GET /v1/models') return json(res, 200, { object: 'list', data: [{ id: o.modelName, object: 'model', created: 0, owned_by: 'srl' }] });
    const kind = route === 'POST /v1/completions' ? 'completions' : route === 'POST /v1/chat/completions' ? 'chat' : null;
    if (kind === null) {
      const known = ['/health', '/v1/models', '/v1/completions', '/v1/chat/completions'].includes(url.pathname.replace(/\/+$/, ''));
      throw new OpenAiRequestError(
        known ? 405 : 404,
        known
          ? `${req.method} is not allowed on ${url.pathname}`
          : `no route ${req.method} ${url.pathname}; this server has GET /health, GET /v1/models, POST /v1/completions, POST /v1/chat/completions`,
        null,
        known ? 'method_not_allowed' : 'not_found',
      );
    }
    const r = parseOpenAiRequest(kind, await readBody(req, o.maxBodyBytes), o);
    if (r.model !== o.modelName)
      throw new OpenAiRequestError(404, `model "${r.model}" is not served here; this server serves "${o.modelName}"`, 'model', 'model_not_found');
    await (r.stream ? stream(r, res) : complete(r, res));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e =
        error instanceof OpenAiRequestError
          ? error
          : isSrlError(error) && (error.kind === 'validation' || error.kind === 'usage')
            ? new OpenAiRequestError(400, error.message)
            : new OpenAiRequestError(500, `internal error: ${(error as Error).message}`);
      if (e.status >= 500) o.logger?.log('error', `${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) fail(res, e);
      else if (!res.destroyed) res.end(`data: ${JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.code } })}\n\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function usage(gens: Generation[]): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = gens.reduce((a, g) => a + g.promptTokenIds.length, 0);
  const completion = gens.reduce((a, g) => a + g.samples.reduce((b, s) => b + s.tokenIds.length, 0), 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
