import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { renderAction, type Instance, type SweTrajectory, type Task } from '@srl/core';
import { createPlugin, sharedData } from './helpers/task-registry';

const oh = path.join(sharedData, 'swe/openhands_verified50/last_completion');

async function trajectories(task: Task): Promise<SweTrajectory[]> {
  const { examples, skipped } = await task.load('train');
  expect(skipped).toEqual([]);
  return examples.map((e) => e.metadata!.trajectory as SweTrajectory);
}

function toolCounts(ts: SweTrajectory[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of ts)
    for (const s of t.steps) {
      const key = s.action.tool === 'str_replace_editor' ? `str_replace_editor:${String(s.action.args.command)}` : s.action.tool;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  return counts;
}

describe('SWE trajectory tasks on the shared samples', () => {
  it('swe/openhands reads all 40 conversations: every tool call, its result, and the final response call', async () => {
    const ts = await trajectories(await createPlugin('task', 'swe/openhands'));
    expect(ts.length).toBe(40);
    expect(ts.reduce((n, t) => n + t.steps.length, 0)).toBe(814);
    expect(toolCounts(ts)).toEqual({
      bash: 374,
      'str_replace_editor:view': 117,
      'str_replace_editor:create': 122,
      'str_replace_editor:str_replace': 164,
      submit: 37,
    });
    const first = ts.find((t) => t.instanceId === 'astropy__astropy-12907')!;
    expect(first.repo).toBe('astropy/astropy');
    expect(first.issue.startsWith("Modeling's `separability_matrix` does not compute separability correctly")).toBe(true);
    expect(first.steps[0]!.action).toEqual({ tool: 'bash', args: { command: 'ls -R /workspace/astropy__astropy__4.3' } });
    expect(first.steps[0]!.observation.startsWith('ls -R /workspace/astropy__astropy__4.3\r\n')).toBe(true);
    expect(first.steps.at(-1)!).toMatchObject({ action: { tool: 'submit', args: {} }, observation: '' });
    // Resolved flags come from the sample's eval_reports.jsonl.
    const resolved = ts.filter((t) => t.resolved === true).length;
    const unresolved = ts.filter((t) => t.resolved === false).length;
    expect(resolved + unresolved).toBe(40);
    expect(resolved).toBe(20);
  });

  it('swe/sweagent reads the demo .traj with its structured calls', async () => {
    const [t] = await trajectories(await createPlugin('task', 'swe/sweagent'));
    expect(t!.instanceId).toBe('marshmallow-code__marshmallow-1867');
    expect(t!.steps.map((s) => s.action.tool)).toEqual(['create', 'insert', 'bash', 'bash', 'find_file', 'open', 'edit', 'edit', 'bash', 'bash', 'submit']);
    expect(t!.steps[5]!.action).toEqual({ tool: 'open', args: { path: 'src/marshmallow/fields.py', line_number: 1474 } });
    expect(t!.issue.startsWith('TimeDelta serialization precision')).toBe(true);
  });

  it('swe/swesmith reads the 3 XML conversations, and each call renders back to the text the agent wrote', async () => {
    const task = await createPlugin('task', 'swe/swesmith');
    const { examples } = await task.load('train');
    expect(examples.map((e) => e.id)).toEqual([
      'pandas-dev__pandas.95280573.pr_53652',
      'getmoto__moto.694ce1f4.pr_7331',
      'pydantic__pydantic.acb0f10f.pr_8316',
    ]);
    const ts = examples.map((e) => e.metadata!.trajectory as SweTrajectory);
    expect(ts.map((t) => t.steps.length)).toEqual([37, 44, 22]);
    expect(toolCounts(ts)).toEqual({
      bash: 41,
      'str_replace_editor:view': 28,
      'str_replace_editor:create': 10,
      'str_replace_editor:str_replace': 18,
      submit: 6,
    });
    const raw = JSON.parse(readFileSync(path.join(sharedData, 'swe/swesmith/ft_xml_example.jsonl'), 'utf8').split('\n')[0]!);
    const assistant = raw.messages.filter((m: { role: string; content: string }) => m.role === 'assistant' && m.content.includes('<function='));
    assistant.forEach((m: { content: string }, i: number) => expect(m.content.endsWith(examples[0]!.steps![i]!)).toBe(true));
    expect(ts[0]!.steps[1]!.observation.startsWith('OBSERVATION:')).toBe(false);
  });
});

describe('SWE step-wise instances (SRL §5.1)', () => {
  it('gives one srl instance per action: the issue, at most the last two pairs, and the rendered action as reference', async () => {
    const task = await createPlugin('task', ['swe/openhands', { maxObservationChars: 300 }]);
    const { examples } = await task.load('train');
    let count = 0;
    for (const example of examples) {
      const t = example.metadata!.trajectory as SweTrajectory;
      const instances = task.instances(example, 'srl');
      count += instances.length;
      instances.forEach((inst: Instance, k: number) => {
        expect(inst.reference).toBe(renderAction(t.steps[k]!.action));
        expect(inst.prompt[0]!.role).toBe('system');
        expect(inst.prompt[1]!.content.startsWith(t.issue)).toBe(true);
        const turns = inst.prompt.slice(2);
        expect(turns.length).toBe(2 * Math.min(2, k));
        turns.forEach((turn, j) => {
          const past = t.steps[k - turns.length / 2 + Math.floor(j / 2)]!;
          if (j % 2 === 0) expect(turn).toEqual({ role: 'assistant', content: renderAction(past.action) });
          else expect(turn.content.length).toBeLessThanOrEqual('OBSERVATION:\n'.length + 300 + 60);
        });
        expect(inst.step).toEqual({ index: k + 1, count: t.steps.length });
      });
    }
    expect(count).toBe(814);
  });

  it('truncates observations head and tail, and honours history and systemPrompt', async () => {
    const task = await createPlugin('task', ['swe/sweagent', { history: 1, maxObservationChars: 20, systemPrompt: 'Be brief.' }]);
    const [example] = (await task.load('train')).examples;
    const inst = task.instances(example!, 'srl')[4]!;
    expect(inst.prompt[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(inst.prompt).toHaveLength(4);
    expect(inst.prompt[1]!.content).toContain('(3 earlier actions omitted; the last 1 and what they returned follow.)');
    expect(inst.prompt[2]!.content).toBe('<function=bash>\n<parameter=command>ls -F</parameter>\n</function>');
    const obs = (await task.load('train')).examples[0]!.metadata!.trajectory as SweTrajectory;
    const full = obs.steps[3]!.observation;
    expect(inst.prompt[3]!.content).toBe(`OBSERVATION:\n${full.slice(0, 10)}\n[... ${full.length - 20} characters omitted ...]\n${full.slice(-10)}`);
  });

  it('gives SFT instances with the whole history as chat turns and the thought in <think>', async () => {
    const task = await createPlugin('task', 'swe/sweagent');
    const [example] = (await task.load('train')).examples;
    const t = example!.metadata!.trajectory as SweTrajectory;
    const sft = task.instances(example!, 'sft');
    expect(sft).toHaveLength(11);
    expect(sft[10]!.prompt).toHaveLength(2 + 2 * 10);
    expect(sft[10]!.reference).toBe(`<think>\n${t.steps[10]!.thought}\n</think>\n<function=submit>\n</function>`);
    expect(sft[3]!.prompt[2]!.content.startsWith(`<think>\n${t.steps[0]!.thought}\n</think>\n<function=create>`)).toBe(true);
    expect(() => task.instances(example!, 'rlvr')).toThrow(/no "rlvr" instances/);
  });

  it('holds out validation trajectories by a seeded hash and keeps only resolved ones when asked', async () => {
    const task = await createPlugin('task', ['swe/openhands', { validationSize: 5, onlyResolved: true }]);
    expect(task.splits()).toEqual(['train', 'validation']);
    const train = await task.load('train');
    const validation = await task.load('validation');
    expect(train.examples.length + validation.examples.length).toBe(20);
    expect(validation.examples).toHaveLength(5);
    expect(train.skipped).toHaveLength(20);
    expect(new Set([...train.examples, ...validation.examples].map((e) => e.id)).size).toBe(20);
  });
});

describe('SWE readers on malformed input', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'srl-swe-'));
  const good = readFileSync(path.join(oh, 'astropy__astropy-12907.json'), 'utf8');
  const record = JSON.parse(good);
  const badArgs = structuredClone(record);
  badArgs.messages[2].tool_calls[0].function.arguments = '{"command": "ls';
  const noResult = structuredClone(record);
  noResult.messages.splice(3, 1);
  writeFileSync(path.join(dir, 'astropy__astropy-12907.json'), good);
  writeFileSync(path.join(dir, 'b-bad-args.json'), JSON.stringify(badArgs));
  writeFileSync(path.join(dir, 'c-no-result.json'), JSON.stringify(noResult));
  writeFileSync(path.join(dir, 'd-truncated.json'), good.slice(0, 5000));
  const jsonl = path.join(dir, 'e-many.jsonl');
  writeFileSync(jsonl, `${JSON.stringify({ ...record, instance_id: 'x__y-1' })}\n{"messages": [\n${JSON.stringify(badArgs)}\n`);

  it('skips and counts malformed trajectories, naming file and position', async () => {
    const task = await createPlugin('task', ['swe/openhands', { path: dir }]);
    const { examples, skipped } = await task.load('train');
    expect(examples.map((e) => e.id)).toEqual(['astropy__astropy-12907', 'x__y-1']);
    expect(skipped.map((s) => [path.basename(s.file), s.line])).toEqual([
      ['b-bad-args.json', 1],
      ['c-no-result.json', 1],
      ['d-truncated.json', 1],
      ['e-many.jsonl', 2],
      ['e-many.jsonl', 3],
    ]);
    expect(skipped[0]!.reason).toMatch(/^messages\[2\]\.tool_calls\[0\]\.function\.arguments: arguments are not JSON/);
    expect(skipped[1]!.reason).toMatch(/^messages\[2\]\.tool_calls\[0\]: tool call "toolu_01Tz75PXq6U15qNE3XCC28vA" has no tool result/);
    expect(skipped[2]!.reason).toMatch(/truncated/);
    expect(skipped[4]!.reason).toMatch(/arguments are not JSON/);
  });

  it('fails on the first malformed trajectory in strict mode, and reads a single file', async () => {
    const task = await createPlugin('task', ['swe/openhands', { path: dir }]);
    await expect(task.load('train', { strict: true })).rejects.toThrow(
      /b-bad-args\.json:1: malformed row: messages\[2\]\.tool_calls\[0\]\.function\.arguments/,
    );
    const one = await createPlugin('task', ['swe/openhands', { path: path.join(dir, 'astropy__astropy-12907.json') }]);
    expect((await one.load('train')).examples).toHaveLength(1);
  });

  it('keeps unknown tools and applies configured tool names', async () => {
    const custom = structuredClone(record);
    custom.messages[2].tool_calls[0].function = { name: 'browser', arguments: '{"url": "https://example.com", "wait": 2}' };
    const file = path.join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify(custom));
    const task = await createPlugin('task', ['swe/openhands', { path: file, toolNames: { str_replace_editor: 'edit' } }]);
    const [example] = (await task.load('train')).examples;
    const t = example!.metadata!.trajectory as SweTrajectory;
    expect(t.steps[0]!.action).toEqual({ tool: 'browser', args: { url: 'https://example.com', wait: 2 } });
    expect(t.steps[1]!.action.tool).toBe('edit');
    expect(t.steps.at(-1)!.action.tool).toBe('finish');
    expect(example!.steps![0]).toBe('<function=browser>\n<parameter=url>https://example.com</parameter>\n<parameter=wait>2</parameter>\n</function>');
  });
});

describe("swe/trajectories (srl's canonical JSONL, what the agent loop writes)", () => {
  it('reads each line back, checks every field and names the path of a malformed one; path is required', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srl-swe-canonical-'));
    const file = path.join(dir, 'runs.jsonl');
    const step = { thought: 'look', action: { tool: 'execute_bash', args: { command: 'ls' } }, observation: 'a.py\n' };
    const rows = [
      {
        instanceId: 'o__r-1',
        repo: 'o/r',
        issue: 'It breaks.',
        steps: [step, { thought: '', action: { tool: 'submit', args: {} }, observation: '' }],
        resolved: false,
      },
      { instanceId: 'o__r-2', issue: 'It breaks too.', steps: [step, { ...step, action: { tool: 'bash', args: 'ls' } }] },
      { issue: 'No steps.', steps: [] },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const task = await createPlugin('task', ['swe/trajectories', { path: file }]);
    const { examples, skipped } = await task.load('train');
    expect(examples.map((e) => e.metadata!.trajectory)).toEqual([
      { ...rows[0], steps: [{ ...step, action: { tool: 'bash', args: { command: 'ls' } } }, rows[0]!.steps[1]] },
    ]);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, expect.stringMatching(/^steps\[1\]\.action\.args: expected an object of arguments/)],
      [3, expect.stringMatching(/^steps: empty/)],
    ]);
    await expect(createPlugin('task', 'swe/trajectories')).rejects.toThrow(/path/);
  });
});

describe('SWE readers on hub files', () => {
  it("swe/openhands reads OpenHands' non-function-calling conversations (XML calls in the text, SWE-Gym's layout) into the same steps", async () => {
    const source = JSON.parse(readFileSync(path.join(oh, 'django__django-11099.json'), 'utf8'));
    const names = new Map<string, string>();
    const messages = source.messages.map(
      (m: { role: string; content?: { text: string }[]; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }) => {
        if (m.role === 'assistant' && m.tool_calls?.length) {
          const call = m.tool_calls[0];
          names.set(call.id, call.function.name);
          const text = (m.content ?? []).map((p: { text: string }) => p.text).join('');
          return { role: 'assistant', content: `${text}\n\n${renderAction({ tool: call.function.name, args: JSON.parse(call.function.arguments) })}` };
        }
        if (m.role === 'tool') return { role: 'user', content: m.content };
        return m;
      },
    );
    const call = source.response.choices[0].message.tool_calls[0];
    const response = {
      choices: [
        {
          message: {
            role: 'assistant',
            content: `${source.response.choices[0].message.content}\n\n${renderAction({ tool: call.function.name, args: JSON.parse(call.function.arguments) })}`,
          },
        },
      ],
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'srl-swe-xml-')), 'django__django-11099.json');
    writeFileSync(file, JSON.stringify({ messages, response }));
    const xml = (await (await createPlugin('task', ['swe/openhands', { path: file }])).load('train')).examples[0]!.metadata!.trajectory as SweTrajectory;
    const fn = (await (await createPlugin('task', ['swe/openhands', { path: path.join(oh, 'django__django-11099.json') }])).load('train')).examples[0]!
      .metadata!.trajectory as SweTrajectory;
    expect(names.size).toBeGreaterThan(3);
    expect(xml.steps).toEqual(fn.steps);
  });

  it('swe/swesmith reads a Parquet file whose messages column holds JSON text (the hub layout)', async () => {
    const rows = readFileSync(path.join(sharedData, 'swe/swesmith/ft_xml_example.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'srl-swe-pq-')), 'swe-smith.parquet');
    writeFileSync(
      file,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'instance_id', data: rows.map((r) => r.instance_id), type: 'STRING' },
            { name: 'messages', data: rows.map((r) => JSON.stringify(r.messages)), type: 'STRING' },
          ],
        }),
      ),
    );
    const fromParquet = (await (await createPlugin('task', ['swe/swesmith', { path: file }])).load('train')).examples;
    const fromJsonl = (await (await createPlugin('task', 'swe/swesmith')).load('train')).examples;
    expect(fromParquet.map((e) => [e.id, e.steps])).toEqual(fromJsonl.map((e) => [e.id, e.steps]));
  });
});
