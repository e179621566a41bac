// `srl data rewrite` against a real local OpenAI-style HTTP server with scripted answers (no capable model runs here).
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { srl } from './run-srl';

const GOOD = (x: number): string => `SOLUTION:\n1. **Set up** We need $x + ${x} = ${2 * x}$.\n2. **Solve for x** $x = \\boxed{${x}}$.`;
/** What the scripted model answers for each row (the row's marker is in the prompt). */
const SCRIPT: Record<string, { reply: string; finish?: string; status?: number }> = {
  r1: { reply: GOOD(1) },
  r2: { reply: `\`\`\`\n${GOOD(2)}\n\`\`\`` }, // fenced: still kept
  r3: { reply: `Sure! Here it is:\n${GOOD(3)}` }, // text before the header
  r4: { reply: 'SOLUTION:\n1. **Set up** x + 4 = 8\n3. **Solve** x = \\boxed{4}' }, // numbering skips 2
  r5: { reply: 'SOLUTION:\n1. **Set up** x + 5 = 10\n2. **Solve** x = \\boxed{6}' }, // answer changed
  r6: { reply: 'SOLUTION:\n1. **Set up** x + 6', finish: 'length' }, // truncated
  r7: { reply: GOOD(7), status: 500 }, // the server fails on the first run only
  r8: { reply: GOOD(8) },
};

const tmp = mkdtempSync(path.join(tmpdir(), 'srl-rewrite-'));
const requests: string[] = [];
let inFlight = 0;
let mostInFlight = 0;
let failR7 = true;
const server: Server = createServer(async (req, res) => {
  let raw = '';
  for await (const c of req) raw += String(c);
  const body = JSON.parse(raw) as { messages: { role: string; content: string }[]; max_tokens: number };
  const id = /MARK-(r\d)/.exec(body.messages[1].content)![1];
  requests.push(id);
  mostInFlight = Math.max(mostInFlight, ++inFlight);
  // Answer once three requests are open (or after 300 ms, at the end of the file): shows the concurrency bound.
  for (let t = 0; t < 60 && inFlight < 3; t++) await new Promise((r) => setTimeout(r, 5));
  inFlight--;
  const s = SCRIPT[id];
  if (s.status && failR7) return res.writeHead(s.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'overloaded' } }));
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: 'scripted',
      choices: [{ index: 0, message: { role: 'assistant', content: s.reply }, finish_reason: s.finish ?? 'stop', logprobs: null }],
    }),
  );
});
afterAll(() => server.close());

describe('srl data rewrite', () => {
  it('keeps valid rewrites, drops and counts broken ones with reasons, resumes after an interruption, bounded concurrency', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const input = path.join(tmp, 'raw.jsonl');
    writeFileSync(
      input,
      Object.keys(SCRIPT)
        .map((id, i) =>
          JSON.stringify({
            id,
            problem: `MARK-${id}: solve x + ${i + 1} = ${2 * (i + 1)}`,
            solution: `Subtract ${i + 1}: x = \\boxed{${i + 1}}.`,
            source: 'test',
          }),
        )
        .join('\n') + '\n',
    );
    const out = path.join(tmp, 'rewritten.jsonl');
    const args = [
      'data',
      'rewrite',
      input,
      '--out',
      out,
      '--concurrency',
      '3',
      '--policy',
      JSON.stringify(['openai-compatible', { baseURL, model: 'scripted', maxRetries: 0 }]),
    ];

    const first = await srl(args);
    expect(first.code).toBe(1); // r7 failed: not written anywhere, so a rerun retries it
    expect(JSON.parse(first.out)).toMatchObject({ kept: 3, dropped: 4, failed: 1, skipped: 0, reasons: { format: 2, 'answer changed': 1, truncated: 1 } });
    expect(first.err).toMatch(/r7: .*answered HTTP 500/);
    expect(first.err).toMatch(/rewrite \[#+/); // the progress bar
    expect(mostInFlight).toBe(3);
    const kept = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(kept.map((r) => r.id).sort()).toEqual(['r1', 'r2', 'r8']);
    expect(kept.find((r) => r.id === 'r2')).toEqual({
      id: 'r2',
      problem: 'MARK-r2: solve x + 2 = 4',
      solution: GOOD(2),
      original_solution: 'Subtract 2: x = \\boxed{2}.',
      source: 'test',
      rewrite_steps: 2,
    });
    const rejected = readFileSync(path.join(tmp, 'rewritten.rejected.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(Object.fromEntries(rejected.map((r) => [r.id, r.detail]))).toEqual({
      r3: 'no "SOLUTION:" header line',
      r4: 'step 2: numbered 3, expected 2',
      r5: 'original \\boxed{5}, rewrite \\boxed{6}',
      r6: 'the reply hit max tokens before it ended; raise --max-tokens',
    });

    // An interrupted write leaves a torn last line; the rerun cuts it and asks only for what is missing.
    appendFileSync(out, '{"id": "r9", "solution": "SOLUTION:\\n1. **Tor');
    failR7 = false;
    requests.length = 0;
    const second = await srl(args);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ kept: 1, dropped: 0, failed: 0, skipped: 7 });
    expect(requests).toEqual(['r7']);
    const all = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(all.map((r) => r.id).sort()).toEqual(['r1', 'r2', 'r7', 'r8']);

    const third = await srl(args);
    expect(JSON.parse(third.out)).toMatchObject({ kept: 0, skipped: 8 });
  });

  it('refuses a bad --policy and rows without a solution', async () => {
    const input = path.join(tmp, 'bad.jsonl');
    writeFileSync(input, '{"id": 1, "text": "no solution field"}\n');
    expect((await srl(['data', 'rewrite', input, '--out', path.join(tmp, 'x.jsonl'), '--policy', '["openai-compatible"'])).err).toMatch(
      /--policy must be a plugin name or JSON/,
    );
    const r = await srl(['data', 'rewrite', input, '--out', path.join(tmp, 'x.jsonl'), '--policy', 'openai-compatible']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.jsonl:1: "solution" must be a string.*--solution-field/);
  });
});
