import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { resolveDataDir } from '../data/resolve-data-dir';
import { parseAction, renderAction } from './action-xml';
import type { SweAction } from './trajectory';

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

describe('action XML', () => {
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

  it('writes non-string values as Python json.dumps does', () => {
    const text = renderAction({ tool: 'str_replace_editor', args: { command: 'insert', path: '/a.py', insert_line: 5, new_str: 'x\n' } });
    expect(text).toBe('<function=str_replace_editor>\n<parameter=command>insert</parameter>\n<parameter=path>/a.py</parameter>\n<parameter=insert_line>5</parameter>\n<parameter=new_str>x\n</parameter>\n</function>');
    expect(renderAction({ tool: 'str_replace_editor', args: { view_range: [1, -1] } })).toContain('<parameter=view_range>[1, -1]</parameter>');
    expect(renderAction({ tool: 'submit', args: {} })).toBe('<function=submit>\n</function>');
  });

  it('keeps text that does not decode to the declared type, so text round trips stay exact', () => {
    expect(parseAction('<function=str_replace_editor>\n<parameter=view_range>[1,20]</parameter>\n</function>').args.view_range).toBe('[1,20]');
    expect(parseAction('<function=str_replace_editor>\n<parameter=insert_line>five</parameter>\n</function>').args.insert_line).toBe('five');
    expect(parseAction('<function=bash>\n<parameter=command>5</parameter>\n</function>').args.command).toBe('5');
  });

  it('maps tool names to canonical ones, configurably, and keeps unknown ones', () => {
    expect(parseAction('<function=execute_bash>\n<parameter=command>ls</parameter>\n</function>').tool).toBe('bash');
    expect(parseAction('<function=finish>\n</function>').tool).toBe('submit');
    expect(parseAction('<function=finish>\n</function>', { toolNames: {} }).tool).toBe('finish');
    expect(parseAction('<function=run>\n</function>', { toolNames: { run: 'bash' } }).tool).toBe('bash');
    expect(parseAction('<function=browse>\n<parameter=url>x</parameter>\n</function>').tool).toBe('browse');
  });

  it('accepts surrounding whitespace and a compact layout', () => {
    expect(parseAction('  <function=bash><parameter=command>ls -la</parameter></function>\n')).toEqual({ tool: 'bash', args: { command: 'ls -la' } });
  });

  it.each([
    ['', 'no <function=NAME>'],
    ['run ls', 'no <function=NAME>'],
    ['<function=bash>\n<parameter=command>ls</parameter>\n', 'no closing </function>'],
    ['<function=bash>\n<parameter=command>ls\n</function>', 'has no closing </parameter>'],
    ['<function=bash>\n<parameter=command>ls\n</function>\n</parameter>\n</function>', 'runs into </function>'],
    ['<function=bash>\n<parameter=command>ls', 'has no closing </parameter>'],
    ['<function=bash>\nls\n</function>', 'neither a <parameter=...>'],
    ['<function=bash>\n<parameter=command>a</parameter>\n<parameter=command>b</parameter>\n</function>', 'given twice'],
    ['<function=bash>\n</function>\n<function=submit>\n</function>', 'more than one call'],
    ['<function=bash>\n</function> done', 'text after </function>'],
    ['Let me look.\n<function=bash>\n</function>', 'no <function=NAME>'],
  ])('rejects %j', (text, reason) => {
    try {
      parseAction(text);
      expect.unreachable();
    } catch (error) {
      expect(isSrlError(error) && error.kind).toBe('data');
      expect((error as Error).message).toContain(reason);
    }
  });

  it('refuses to render a value the XML form cannot hold', () => {
    expect(() => renderAction({ tool: 'bash', args: { command: 'echo "</parameter>"' } })).toThrow(/cannot hold/);
    expect(() => renderAction({ tool: 'my tool', args: {} })).toThrow(/tool name/);
  });
});
