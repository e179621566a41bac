import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../src/data/resolve-data-dir';
import { parseAction, renderAction } from '../src/swe/action-xml';
import type { SweAction } from '../src/swe/trajectory';

const swe = path.join(resolveDataDir(), 'swe');

/** Every XML call in the SWE-smith conversations, as written. */
function swesmithCalls(): string[] {
  const calls: string[] = [];
  for (const line of readFileSync(path.join(swe, 'swesmith/ft_xml_example.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    for (const message of JSON.parse(line).messages as { role: string; content: string }[]) {
      if (message.role !== 'assistant') continue;
      calls.push(...(message.content.match(/<function=[^>]+>[\s\S]*?<\/function>/g) ?? []));
    }
  }
  return calls;
}

/** Every tool call in the OpenHands conversations and the SWE-agent history, with JSON arguments. */
function jsonToolCalls(): SweAction[] {
  const actions: SweAction[] = [];
  const collect = (calls: { function: { name: string; arguments: string } }[] | undefined): void => {
    for (const call of calls ?? []) actions.push({ tool: call.function.name, args: JSON.parse(call.function.arguments) });
  };
  const dir = path.join(swe, 'openhands_verified50/last_completion');
  for (const file of readdirSync(dir)) {
    const record = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    for (const message of record.messages) collect(message.tool_calls);
    collect(record.response.choices[0].message.tool_calls);
  }
  const traj = JSON.parse(readFileSync(path.join(swe, 'sweagent/marshmallow-code__marshmallow-1867.function_calling_replace.traj'), 'utf8'));
  for (const message of traj.history) collect(message.tool_calls);
  return actions;
}

describe('action XML on every shared call', () => {
  it('renders and parses back every SWE-smith call exactly, as text', () => {
    const calls = swesmithCalls();
    expect(calls.length).toBe(103);
    for (const call of calls) expect(renderAction(parseAction(call, { toolNames: {} }))).toBe(call);
  });

  it('decodes declared non-string parameters of SWE-smith calls', () => {
    const view = swesmithCalls().find((call) => call.includes('<parameter=view_range>'))!;
    const args = parseAction(view).args;
    expect(Array.isArray(args.view_range)).toBe(true);
    expect((args.view_range as number[]).every(Number.isInteger)).toBe(true);
  });

  it('round-trips every OpenHands and SWE-agent tool call, non-string arguments included', () => {
    const actions = jsonToolCalls();
    expect(actions.length).toBe(774 + 40 + 11);
    expect(actions.some((a) => Array.isArray(a.args.view_range))).toBe(true);
    expect(actions.some((a) => typeof a.args.line_number === 'number')).toBe(true);
    for (const action of actions) expect(parseAction(renderAction(action), { toolNames: {} })).toEqual(action);
  });
});
