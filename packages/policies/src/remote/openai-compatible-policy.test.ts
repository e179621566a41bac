import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTrainablePolicy, isSrlError, PluginRegistry, pluginModule } from '@srl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { plugins } from '../plugins';
import { OpenAiCompatiblePolicy, type OpenAiCompatibleOptions } from './openai-compatible-policy';

type Handler = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

/** A real local HTTP server answering with `handler`; records the request bodies. */
async function scripted(handler: Handler): Promise<{ baseURL: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += String(c);
    const body = JSON.parse(raw) as Record<string, unknown>;
    bodies.push(body);
    handler(body, req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies };
}
const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};
const options = (baseURL: string, extra: Partial<OpenAiCompatibleOptions> = {}): OpenAiCompatibleOptions => ({
  baseURL,
  model: 'm',
  endpoint: 'chat',
  concurrency: 2,
  timeoutMs: 10_000,
  maxRetries: 3,
  logprobs: true,
  extraBody: {},
  ...extra,
});
const chatChoice = (content: string, extra: Record<string, unknown> = {}) => ({
  index: 0,
  message: { role: 'assistant', content },
  finish_reason: 'stop',
  logprobs: null,
  ...extra,
});

describe('OpenAiCompatiblePolicy', () => {
  it('sends the sampling parameters and reads choices, logprobs and finish reasons', async () => {
    const server = await scripted((body, _req, res) =>
      reply(res, 200, {
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model: 'm',
        choices: Array.from({ length: body.n as number }, (_, i) =>
          chatChoice(`a${i}`, {
            index: i,
            finish_reason: i === 0 ? 'length' : 'stop',
            stop_reason: i === 1 ? null : '\n',
            logprobs: { content: [{ token: 'a', logprob: -0.5, bytes: [97], top_logprobs: [] }] },
          }),
        ),
      }),
    );
    const policy = new OpenAiCompatiblePolicy(options(server.baseURL));
    const [g] = await policy.generate(
      [
        [
          { role: 'system', content: 's' },
          { role: 'user', content: 'q' },
        ],
      ],
      { n: 3, temperature: 0.7, topP: 0.9, maxTokens: 5, stop: ['\n'], seed: 11 },
    );
    expect(server.bodies[0]).toEqual({
      model: 'm',
      n: 3,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 5,
      stop: ['\n'],
      seed: 11,
      logprobs: true,
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'q' },
      ],
    });
    expect(g.samples.map((s) => [s.text, s.finishReason, s.logprobs])).toEqual([
      ['a0', 'length', [-0.5]],
      ['a1', 'eos', [-0.5]],
      ['a2', 'stop', [-0.5]],
    ]);
    expect(g.samples[0].tokenIds).toEqual([]); // plain token strings carry no ids
  });

  it('asks again when a server returns fewer choices than n; no logprobs from the server means none in the sample', async () => {
    const server = await scripted((_b, _req, res) =>
      reply(res, 200, {
        id: 'x',
        object: 'text_completion',
        created: 0,
        model: 'm',
        choices: [{ index: 0, text: 't', finish_reason: 'stop', logprobs: null }],
      }),
    );
    const policy = new OpenAiCompatiblePolicy(options(server.baseURL, { endpoint: 'completions', logprobs: false }));
    const [g] = await policy.generate(['p'], { n: 3, maxTokens: 4 });
    expect(server.bodies.map((b) => b.n)).toEqual([3, 2, 1]);
    expect(server.bodies[0].prompt).toBe('p');
    expect(g.samples).toHaveLength(3);
    expect(g.samples[0]).toEqual({ text: 't', tokenIds: [], logprobs: [], finishReason: 'stop' });
    // A tokenized prompt (as trainers pass them) is sent as its text; the server tokenizes it itself.
    const [t] = await policy.generate([{ text: 'formatted prompt', tokenIds: [5, 6, 7] }], { n: 1, maxTokens: 4 });
    expect(server.bodies.at(-1)!.prompt).toBe('formatted prompt');
    expect([t.promptText, t.promptTokenIds]).toEqual(['formatted prompt', [5, 6, 7]]);
    // Chats need a template on the completions endpoint.
    await expect(policy.generate([[{ role: 'user', content: 'x' }]], { maxTokens: 1 })).rejects.toThrow(/completions endpoint takes text.*endpoint: "chat"/);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    let calls = 0;
    const server = await scripted((_b, _req, res) => {
      calls++;
      if (calls === 1) return reply(res, 429, { error: { message: 'slow down' } }, { 'retry-after-ms': '5' });
      if (calls === 2) return reply(res, 503, { error: { message: 'loading' } }, { 'retry-after-ms': '5' });
      reply(res, 200, { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [chatChoice('ok')] });
    });
    const [g] = await new OpenAiCompatiblePolicy(options(server.baseURL)).generate(['q'], { maxTokens: 2 });
    expect(calls).toBe(3);
    expect(g.samples[0].text).toBe('ok');
  });

  it('fails with the URL and the status: at once on 4xx, after maxRetries on 5xx, and when nothing listens', async () => {
    let calls = 0;
    const server = await scripted((body, _req, res) => {
      calls++;
      if (body.model === 'missing') return reply(res, 404, { error: { message: 'The model `missing` does not exist.' } });
      reply(res, 500, { error: { message: 'boom' } }, { 'retry-after-ms': '1' });
    });
    const missing = new OpenAiCompatiblePolicy(options(server.baseURL, { model: 'missing' }));
    const error = await missing.generate(['q'], { maxTokens: 1 }).catch((e: unknown) => e);
    expect(isSrlError(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`${server.baseURL}/chat/completions answered HTTP 404: .*does not exist.*check baseURL`));
    expect(calls).toBe(1);
    calls = 0;
    await expect(new OpenAiCompatiblePolicy(options(server.baseURL, { maxRetries: 2 })).generate(['q'], { maxTokens: 1 })).rejects.toThrow(
      /answered HTTP 500: .*after 2 retries/,
    );
    expect(calls).toBe(3);
    await expect(new OpenAiCompatiblePolicy(options('http://127.0.0.1:9/v1', { maxRetries: 0 })).generate(['q'], { maxTokens: 1 })).rejects.toThrow(
      /http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions: cannot connect/,
    );
  });

  it('reads the key from apiKeyEnv and refuses a missing variable', async () => {
    let auth = '';
    const server = await scripted((_b, req, res) => {
      auth = String(req.headers.authorization);
      reply(res, 200, { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [chatChoice('ok')] });
    });
    process.env.SRL_TEST_KEY = 'sk-test';
    await new OpenAiCompatiblePolicy(options(server.baseURL, { apiKeyEnv: 'SRL_TEST_KEY' })).generate(['q'], { maxTokens: 1 });
    expect(auth).toBe('Bearer sk-test');
    delete process.env.SRL_TEST_KEY;
    expect(() => new OpenAiCompatiblePolicy(options(server.baseURL, { apiKeyEnv: 'SRL_TEST_KEY' }))).toThrow(
      /SRL_TEST_KEY, but that environment variable is not set/,
    );
  });

  it('is a registered policy plugin that a training stage refuses, pointing to srl export and srl serve reward', async () => {
    const registry = new PluginRegistry();
    await registry.loadModule(pluginModule(plugins), '@srl/policies');
    const deps = { logger: { log: () => {}, metrics: () => {}, progress: () => {} }, baseDir: '.' };
    const ref = ['openai-compatible', { baseURL: 'http://127.0.0.1:8000/v1', model: 'm' }] as [string, Record<string, unknown>];
    await expect(createTrainablePolicy(registry, ref, {}, deps)).rejects.toThrow(/"openai-compatible" cannot be trained here.*srl export.*srl serve reward/);
    await expect(registry.create('policy', ['openai-compatible', { baseURL: 'localhost:8000', model: 'm' }], deps, 'policy')).rejects.toThrow(/baseURL/);
  });
});
