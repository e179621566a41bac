// `srl serve reward`: the real command in a child process, fed OpenRLHF-format and srl-format
// requests built from GSM8K's expert steps; the rewards must equal what `srl reward` prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardCommand } from '../src/commands/reward-command';
import { ConsoleLogger } from '../src/console-logger';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = path.join(root, 'packages', 'cli', 'src', 'bin.ts');
const logger = new ConsoleLogger({ format: 'text' });

/** GSM8K steps, with completions that match, half-match, break the format or miss. */
function rows(): { prompt: string; completion: string; reference: string }[] {
  const lines = readFileSync(path.join(root, '..', 'shared', 'data', 'gsm8k', 'train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(0, 10);
  return lines.flatMap((line, i) => {
    const { question, answer } = JSON.parse(line) as { question: string; answer: string };
    const steps = answer
      .split('\n')
      .filter((s) => !s.startsWith('####'))
      .map((s) => s.replace(/<<[^>]*>>/g, ''));
    const prompt = `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
    const ref = steps[0];
    const other = steps[1] ?? question;
    return [
      { prompt, reference: ref, completion: `<think>first the ${i}th fact</think>${ref}` },
      { prompt, reference: ref, completion: `<think>hmm</think>${ref.split(' ').reverse().join(' ')}` },
      { prompt, reference: ref, completion: `<think>next</think>${other}` },
      { prompt, reference: ref, completion: ref }, // no <think>: a format error
    ];
  });
}

async function srlReward(name: string, options: string, input: object[]): Promise<{ reward: number | null; components: Record<string, number | null> }[]> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'srl-serve-')), 'rows.jsonl');
  writeFileSync(file, input.map((r) => JSON.stringify(r)).join('\n'));
  let text = '';
  const out = new Writable({ write: (chunk, _e, cb) => ((text += String(chunk)), cb()) });
  expect(await rewardCommand(name, { input: file, options }, logger, out)).toBe(0);
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

async function startServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', cli, 'serve', 'reward', ...args, '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

/** The fields of a reply that these tests read: OpenRLHF's rewards, or an error; /score answers rows (`post<unknown[]>`). */
interface ServerReply {
  rewards: (number | null)[];
  scores: (number | null)[];
  extra_logs: Record<string, (number | null)[]>;
  error: { message: string };
}
const post = async <T = ServerReply>(url: string, body: unknown): Promise<{ status: number; json: T }> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
};

describe('srl serve reward step-similarity', () => {
  const data = rows();
  let server: { url: string; child: ChildProcess };
  let expected: Awaited<ReturnType<typeof srlReward>>;
  beforeAll(async () => {
    [server, expected] = await Promise.all([
      startServer(['step-similarity', '--options', '{"missingReference":"null"}', '--max-body-bytes', '200000']),
      srlReward(
        'step-similarity',
        '{"missingReference":"null"}',
        data.map(({ completion, reference }) => ({ completion, reference })),
      ),
    ]);
  });
  afterAll(() => void server?.child.kill('SIGTERM'));

  it('answers OpenRLHF requests (query = prompt + response + end/pad tokens) with the rewards srl reward prints', async () => {
    expect(new Set(expected.map((e) => e.reward)).size).toBeGreaterThan(10); // real, varied rewards, -1 among them
    expect(expected.some((e) => e.reward === -1)).toBe(true);
    const body = {
      query: data.map((r, i) => `${i % 3 === 0 ? '<|endoftext|>' : ''}${r.prompt}${r.completion}<|im_end|>${'<|endoftext|>'.repeat(i % 3)}`),
      prompts: data.map((r) => r.prompt),
      labels: data.map((r) => r.reference),
    };
    const { status, json } = await post(`${server.url}/`, body);
    expect(status).toBe(200);
    expect(json.rewards).toEqual(expected.map((e) => e.reward));
    expect(json.scores).toEqual(json.rewards);
    expect(json.extra_logs.similarity).toEqual(expected.map((e) => e.components.similarity));
    expect((await post(`${server.url}/reward`, body)).json.rewards).toEqual(json.rewards);
  });

  it('POST /score takes srl rows and returns what srl reward prints; many concurrent requests each get their own rows', async () => {
    const answers = await Promise.all(data.map((r) => post<unknown[]>(`${server.url}/score`, [{ completion: r.completion, reference: r.reference, id: 1 }])));
    expect(answers.map((a) => a.json[0])).toEqual(expected);
    const single = await post<unknown>(`${server.url}/score`, { completion: data[1].completion, reference: data[1].reference });
    expect(single.json).toEqual(expected[1]);
  });

  it("examples/verl/srl_reward.py (verl's compute_score signature) gets the same rewards through the server", async () => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(path.join(root, 'examples', 'verl'))})`,
      'import srl_reward',
      'rows = json.load(sys.stdin)',
      'one = [srl_reward.compute_score("math/gsm8k", r["completion"], r["reference"], {"metadata": "{}", "index": i}) for i, r in enumerate(rows)]',
      'batch = srl_reward.compute_score_batch(["math/gsm8k"] * len(rows), [r["completion"] for r in rows], [r["reference"] for r in rows], [None] * len(rows))',
      'print(json.dumps({"one": one, "batch": batch}))',
    ].join('\n');
    const child = spawn(process.env.PYTHON ?? 'python3', ['-c', script], {
      env: { ...process.env, SRL_REWARD_URL: server.url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.stdin.end(JSON.stringify(data));
    expect(await new Promise((r) => child.once('exit', r)), stderr).toBe(0);
    const { one, batch } = JSON.parse(stdout);
    const verl = expected.map((e) => ({ score: e.reward, applies: 1, ...e.components }));
    expect(one).toEqual(verl);
    expect(batch).toEqual(verl);
  });

  it('passes null rewards through as null (no labels, missingReference: null)', async () => {
    const { status, json } = await post(server.url, { query: ['p<think>x</think>y'], prompts: ['p'] });
    expect(status).toBe(200);
    expect(json.rewards).toEqual([null]);
    expect(json.scores).toEqual([null]);
  });

  it('rejects malformed requests with 400 and the reason; 404, 405, 413; GET /health', async () => {
    const cases: [unknown, RegExp][] = [
      ['{"query": [', /not valid JSON/],
      [[1, 2], /expected a JSON object/],
      [{ prompts: ['p'] }, /"query" is missing/],
      [{ query: 'p r', prompts: ['p'] }, /"query" must be an array/],
      [{ query: ['p r'] }, /"prompts" is missing/],
      [{ query: ['p r', 'q'], prompts: ['p'] }, /"prompts" has 1 entries but "query" has 2/],
      [{ query: ['p r'], prompts: [7] }, /"prompts"\[0\] must be a string/],
      [{ query: ['abc'], prompts: ['xyz'] }, /query\[0\]: query does not contain its prompt/],
      [{ query: ['p r'], prompts: ['p'], labels: [{}] }, /"labels"\[0\] must be a string/],
    ];
    for (const [body, reason] of cases) {
      const { status, json } = await post(server.url, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error.message).toMatch(reason);
    }
    const bad = await post(`${server.url}/score`, [{ completion: 'a' }, { reference: 'b' }]);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/row 1: "completion" must be a string/);
    expect((await fetch(`${server.url}/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${server.url}/score`)).status).toBe(405);
    const big = await post(server.url, { query: ['x'.repeat(300_000)], prompts: [''] });
    expect(big.status).toBe(413);
    expect(big.json.error.message).toMatch(/exceeds the limit of 200000 bytes/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', reward: 'step-similarity' });
  });
});

describe('srl serve reward <recipe>', () => {
  it("serves the stage's weighted rewards, as srl train composes them", async () => {
    const server = await startServer([path.join(root, 'examples', 'quickstart', 'recipe.yaml')]);
    try {
      const data = rows().slice(0, 8);
      const expected = await srlReward(
        'step-similarity',
        '{"format":"plain"}',
        data.map(({ completion, reference }) => ({ completion, reference })),
      );
      const { json } = await post(server.url, {
        query: data.map((r) => r.prompt + r.completion),
        prompts: data.map((r) => r.prompt),
        labels: data.map((r) => r.reference),
      });
      expect(json.rewards).toEqual(expected.map((e) => e.reward));
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});
