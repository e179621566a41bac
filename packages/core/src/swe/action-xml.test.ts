import { describe, expect, it } from 'vitest';
import { isSrlError } from '../errors';
import { parseAction, renderAction } from './action-xml';

describe('action XML', () => {
  it('writes non-string values as Python json.dumps does', () => {
    const text = renderAction({ tool: 'str_replace_editor', args: { command: 'insert', path: '/a.py', insert_line: 5, new_str: 'x\n' } });
    expect(text).toBe(
      '<function=str_replace_editor>\n<parameter=command>insert</parameter>\n<parameter=path>/a.py</parameter>\n<parameter=insert_line>5</parameter>\n<parameter=new_str>x\n</parameter>\n</function>',
    );
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
