// `srl serve policy` end to end: the official Python client, `srl eval` through the openai-compatible policy, and the
// server's refusals, against a tiny checkpoint written here.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { OpenAiCompatiblePolicy } from '@srl/policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServePolicy } from '../src/commands/serve-policy-command';
import { startPolicyServer, type ServedPolicy } from '../src/serve/policy-server';
import { pythonWithOpenAi } from './python-openai-venv';
import { quietLogger, srl } from './run-srl';
import { writeTinyCheckpoint } from './tiny-checkpoint';

const tmp = mkdtempSync(path.join(tmpdir(), 'srl-serve-'));
const ckpt = path.join(tmp, 'tiny-qwen2');
let server: Awaited<ReturnType<typeof startServePolicy>>;
let python: Promise<string>;

beforeAll(async () => {
  python = pythonWithOpenAi(); // in parallel with the checkpoint
  await writeTinyCheckpoint(ckpt);
  server = await startServePolicy(ckpt, { port: 0, host: '127.0.0.1', maxTokens: 64, maxN: 8, maxBodyBytes: 16_384, maxQueue: 32 }, quietLogger);
});
afterAll(async () => {
  await server?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** The fields of a reply that these tests read: a completion, or an error. */
interface ServerReply {
  choices: { text: string }[];
  usage: { completion_tokens: number };
  error: { param: string | null; message: string; type: string };
}
const post = async (route: string, body: unknown): Promise<{ status: number; json: ServerReply }> => {
  const res = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as ServerReply };
};
const generateJson = async (args: string[]): Promise<{ text: string; tokenIds: number[]; logprobs: number[]; finishReason: string }[]> => {
  const r = await srl(['generate', ckpt, '--temperature', '0', '--max-tokens', '24', '--json', '--backend', 'wasm', ...args]);
  expect(r.code, r.err).toBe(0);
  return r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
};

const PY = `
import json, sys
from openai import OpenAI
client = OpenAI(base_url=sys.argv[1], api_key="none")
model = client.models.list().data[0].id
c = client.completions.create(model=model, prompt="What is 3 + 5?", max_tokens=24, temperature=0)
chat = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "What is 3 + 5?"}], max_tokens=24, temperature=0)
parts = [ch.choices[0].delta.content or "" for ch in client.chat.completions.create(model=model, messages=[{"role": "user", "content": "What is 3 + 5?"}], max_tokens=24, temperature=0, stream=True) if ch.choices]
print(json.dumps({"model": model, "completion": c.choices[0].text, "chat": chat.choices[0].message.content, "chunks": parts, "usage": chat.usage.completion_tokens}))
`;

describe('srl serve policy', () => {
  it('answers the official Python openai client: completion, chat completion, streamed chat, each equal to srl generate --temperature 0', async () => {
    const { stdout } = await promisify(execFile)(await python, ['-c', PY, `${server.url}/v1`], { timeout: 120_000 });
    const got = JSON.parse(stdout) as { model: string; completion: string; chat: string; chunks: string[]; usage: number };
    const [plain] = await generateJson(['--prompt', 'What is 3 + 5?']);
    const [chat] = await generateJson(['--prompt', 'What is 3 + 5?', '--chat']);
    expect(got.model).toBe('tiny-qwen2');
    expect(got.completion).toBe(plain.text);
    expect(got.chat).toBe(chat.text);
    expect(got.chunks.length).toBeGreaterThan(2); // streamed token by token, not in one piece
    expect(got.chunks.join('')).toBe(chat.text);
    expect(got.usage).toBe(chat.tokenIds.length);
  });

  it('gives `srl eval` through openai-compatible the same greedy results as the in-process policy', async () => {
    const task = `[math/synthetic-arithmetic, { steps: 1, digits: 1, testSize: 6, evalSystemPrompt: "Answer in \\\\boxed{}." }]`;
    const recipe = (name: string, policy: string): string => {
      const file = path.join(tmp, `${name}.yaml`);
      writeFileSync(file, `name: ${name}\npolicy: ${policy}\ntask: ${task}\nstages: [sft]\neval:\n  benchmarks: [${task}]\n  maxTokens: 24\n  batchSize: 4\n`);
      return file;
    };
    const local = recipe('local', `[tfjs-transformer, { checkpoint: ${ckpt}, backend: wasm }]`);
    const remote = recipe('remote', `[openai-compatible, { baseURL: "${server.url}/v1", model: tiny-qwen2, concurrency: 3 }]`);
    const read = (dir: string) =>
      readFileSync(path.join(dir, 'math-synthetic-arithmetic.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    for (const [file, out] of [
      [local, 'eval-local'],
      [remote, 'eval-remote'],
    ]) {
      const r = await srl(['eval', file, '--out', path.join(tmp, out)]);
      expect(r.code, r.err).toBe(0);
    }
    const a = read(path.join(tmp, 'eval-local'));
    const b = read(path.join(tmp, 'eval-remote'));
    expect(a).toHaveLength(6);
    expect(b.map((r) => [r.id, r.gold, r.greedy])).toEqual(a.map((r) => [r.id, r.gold, r.greedy]));
    expect(new Set(a.map((r) => r.greedy.completion)).size).toBeGreaterThan(1); // the prompts matter
    const summary = (dir: string) => JSON.parse(readFileSync(path.join(tmp, dir, 'summary.json'), 'utf8'));
    expect(summary('eval-remote').summaries).toEqual(summary('eval-local').summaries);
    expect(summary('eval-remote').trainable).toBe(false);
    // srl generate takes a recipe too: the same greedy reply through the server.
    const [viaRecipe, inProcess] = await Promise.all(
      [remote, ckpt].map(
        async (target) => (await srl(['generate', target, '--prompt', 'What is 3 + 5?', '--chat', '--temperature', '0', '--max-tokens', '24'])).out,
      ),
    );
    expect(viaRecipe).toBe(inProcess);
    expect((await srl(['train', remote, '--out', path.join(tmp, 'run')])).err).toMatch(/"openai-compatible" cannot be trained here.*srl export/);
  });

  it('returns the sampled tokens (vLLM token_id:N form) and log-probs of the in-process sampler, and EOS vs stop-string finishes', async () => {
    const policy = new OpenAiCompatiblePolicy({
      baseURL: `${server.url}/v1`,
      model: 'tiny-qwen2',
      endpoint: 'completions',
      concurrency: 2,
      timeoutMs: 60_000,
      maxRetries: 0,
      logprobs: true,
      extraBody: { return_tokens_as_token_ids: true },
    });
    const [remote] = await policy.generate(['What is 3 + 5?'], { n: 3, temperature: 1, maxTokens: 24, seed: 7 });
    const local = await generateJson(['--prompt', 'What is 3 + 5?', '--temperature', '1', '--n', '3', '--seed', '7']);
    expect(remote.samples.map((s) => [s.text, s.tokenIds, s.finishReason])).toEqual(local.map((s) => [s.text, s.tokenIds, s.finishReason]));
    remote.samples.forEach((s, i) => s.logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(local[i].logprobs[j], 12)));
    const [greedy] = await generateJson(['--prompt', 'What is 3 + 5?']);
    const stop = greedy.text.slice(1, 3);
    const [stopped] = await policy.generate(['What is 3 + 5?'], { n: 1, temperature: 0, maxTokens: 24, stop: [stop] });
    expect(stopped.samples[0].finishReason).toBe('stop');
    expect(stopped.samples[0].text).toBe(greedy.text.slice(0, greedy.text.indexOf(stop)));
    // Without logprobs from the server, a sample has none (never invented).
    const bare = new OpenAiCompatiblePolicy({
      baseURL: `${server.url}/v1`,
      model: 'tiny-qwen2',
      endpoint: 'chat',
      concurrency: 1,
      timeoutMs: 60_000,
      maxRetries: 0,
      logprobs: false,
      extraBody: {},
    });
    const [g] = await bare.generate([[{ role: 'user', content: 'hi' }]], { maxTokens: 4, temperature: 0 });
    expect(g.samples[0]).toMatchObject({ tokenIds: [], logprobs: [] });
  });

  it('streams deltas that add up to the final text, holding back a stop string', async () => {
    const request = { model: 'tiny-qwen2', prompt: 'What is 3 + 5?', max_tokens: 24, temperature: 0 };
    const free = (await post('/v1/completions', request)).json.choices[0].text as string;
    const stop = free.slice(2, 4);
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...request, stop: [stop], stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    const text = chunks.flatMap((c) => c.choices.map((x: { text: string }) => x.text)).join('');
    const whole = await post('/v1/completions', { ...request, stop: [stop] });
    expect(text).toBe(whole.json.choices[0].text);
    expect(text).toBe(free.slice(0, free.indexOf(stop)));
    expect(chunks.at(-2).choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: stop });
    expect(chunks.at(-1).usage.completion_tokens).toBe(whole.json.usage.completion_tokens);
  });

  it('runs concurrent requests one at a time, in arrival order, and answers 429 beyond --max-queue', async () => {
    let active = 0;
    let most = 0;
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const policy: ServedPolicy = {
      name: 'gated',
      formatPrompt: (p) => String(p),
      detokenize: (ids) => ids.join(' '),
      tokenizer: { decode: (ids) => ids.join(' ') },
      async generate(prompts, params) {
        most = Math.max(most, ++active);
        order.push(String(prompts[0]));
        await gate;
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return prompts.map((p) => ({
          promptText: String(p),
          promptTokenIds: [1],
          samples: Array.from({ length: params.n ?? 1 }, () => ({ text: `re: ${String(p)}`, tokenIds: [2], logprobs: [-1], finishReason: 'eos' as const })),
        }));
      },
    };
    const gated = await startPolicyServer({ policy, modelName: 'gated', host: '127.0.0.1', port: 0, maxTokens: 8, maxN: 2, maxBodyBytes: 4096, maxQueue: 4 });
    try {
      const ask = (prompt: string) => fetch(`${gated.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'gated', prompt }) });
      const queued = async (): Promise<number> => ((await (await fetch(`${gated.url}/health`)).json()) as { queued: number }).queued;
      const accepted = [];
      for (const [i, p] of ['a', 'b', 'c', 'd'].entries()) {
        accepted.push(ask(p));
        while ((await queued()) < i + 1) await new Promise((r) => setTimeout(r, 2)); // a arrives before b, ...
      }
      expect((await ask('e')).status).toBe(429);
      release();
      const done = await Promise.all(accepted);
      expect(done.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(most).toBe(1);
      expect(order).toEqual(['a', 'b', 'c', 'd']);
      expect(((await done[1].json()) as { choices: unknown[] }).choices[0]).toMatchObject({ text: 're: b', finish_reason: 'stop', stop_reason: null });
    } finally {
      await gated.close();
    }
  });

  it("refuses malformed requests with 400 and OpenAI's error shape; serves /health and /v1/models", async () => {
    const cases: [unknown, number, string | null, RegExp][] = [
      ['{"model":', 400, null, /not valid JSON/],
      [{ model: 'tiny-qwen2' }, 400, 'messages', /non-empty array/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'wizard', content: 'x' }] }, 400, 'messages[0].role', /expected one of system, user/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x' }], max_tokens: 65 }, 400, 'max_tokens', /65 is out of range: expected >= 1 and <= 64/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, 400, 'temperature', /expected a number/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x' }], top_logprobs: 3 }, 400, 'top_logprobs', /only the sampled token/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x' }], presence_penalty: 1 }, 400, 'presence_penalty', /not supported/],
      [{ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }, 404, 'model', /serves "tiny-qwen2"/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }, 413, null, /larger than 16384 bytes/],
      [{ model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x'.repeat(1000) }] }, 400, null, /maxPositions/],
    ];
    for (const [body, status, param, message] of cases) {
      const r = await post('/v1/chat/completions', body);
      expect([r.status, r.json.error.param]).toEqual([status, param]);
      expect(r.json.error.message).toMatch(message);
      expect(r.json.error.type).toBe('invalid_request_error');
    }
    const long = await post('/v1/chat/completions', { model: 'tiny-qwen2', messages: [{ role: 'user', content: 'x'.repeat(1000) }], stream: true });
    expect([long.status, long.json.error.message]).toEqual([400, expect.stringMatching(/maxPositions/)]);
    expect((await post('/v1/embeddings', {})).status).toBe(404);
    expect(await (await fetch(`${server.url}/health`)).json()).toMatchObject({ status: 'ok', model: 'tiny-qwen2', queued: 0 });
    expect(((await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] }).data.map((m: { id: string }) => m.id)).toEqual([
      'tiny-qwen2',
    ]);
  });
});
