import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SweEnvironment } from './swe-environment';

const repoDir = mkdtempSync(join(tmpdir(), 'srl-env-test-'));
writeFileSync(join(repoDir, 'calc.py'), 'def add(a, b):\n\treturn a - b\n\n\ndef sub(a, b):\n\treturn a - b\n');

const edit = (args: Record<string, unknown>) => ({ tool: 'str_replace_editor', args });

describe('SweEnvironment', () => {
  const env = new SweEnvironment({ limits: { timeoutMs: 5000 } });
  beforeAll(async () => {
    expect(await env.reset({ instanceId: 'calc', issue: 'add() subtracts', repoDir })).toBe('add() subtracts');
  });
  afterAll(async () => env.close());

  it("str_replace refuses a missing or non-unique old_str with SWE-agent's messages", async () => {
    const missing = await env.step(edit({ command: 'str_replace', path: '/testbed/calc.py', old_str: 'a * b', new_str: 'x' }));
    expect(missing.observation).toBe('No replacement was performed, old_str `a * b` did not appear verbatim in /testbed/calc.py.');
    const twice = await env.step(edit({ command: 'str_replace', path: '/testbed/calc.py', old_str: 'return a - b', new_str: 'x' }));
    expect(twice.observation).toBe('No replacement was performed. Multiple occurrences of old_str `return a - b` in lines [2, 6]. Please ensure it is unique');
    const relative = await env.step(edit({ command: 'view', path: 'calc.py' }));
    expect(relative.observation).toBe('The path calc.py is not an absolute path, it should start with `/`. Maybe you meant /testbed/calc.py?');
  });

  it('edits with tabs expanded, shows a snippet, undoes, inserts and creates', async () => {
    const replaced = await env.step(
      edit({ command: 'str_replace', path: '/testbed/calc.py', old_str: 'def add(a, b):\n\treturn a - b', new_str: 'def add(a, b):\n\treturn a + b' }),
    );
    expect(replaced.observation).toBe(
      "The file /testbed/calc.py has been edited. Here's the result of running `cat -n` on a snippet of /testbed/calc.py:\n" +
        '     1\tdef add(a, b):\n     2\t        return a + b\n     3\t\n     4\t\n     5\tdef sub(a, b):\n' +
        'Review the changes and make sure they are as expected. Edit the file again if necessary.',
    );
    const view = await env.step(edit({ command: 'view', path: '/testbed/calc.py', view_range: '[1, 2]' }));
    expect(view.observation).toBe("Here's the result of running `cat -n` on /testbed/calc.py:\n     1\tdef add(a, b):\n     2\t        return a + b\n");
    const undo = await env.step(edit({ command: 'undo_edit', path: '/testbed/calc.py' }));
    expect(undo.observation).toContain('Last edit to /testbed/calc.py undone successfully.');
    expect((await env.step({ tool: 'bash', args: { command: 'head -2 calc.py' } })).observation).toBe('def add(a, b):\n        return a - b\n');
    const noHistory = await env.step(edit({ command: 'undo_edit', path: '/testbed/calc.py' }));
    expect(noHistory.observation).toBe('No edit history found for /testbed/calc.py.');
    const badLine = await env.step(edit({ command: 'insert', path: '/testbed/calc.py', insert_line: 99, new_str: 'x' }));
    expect(badLine.observation).toBe('Invalid `insert_line` parameter: 99. It should be within the range of lines of the file: [0, 7]');
    const insert = await env.step(edit({ command: 'insert', path: '/testbed/calc.py', insert_line: '0', new_str: '"""Calculator."""' }));
    expect(insert.info).toEqual({ ok: true });
    const created = await env.step(edit({ command: 'create', path: '/testbed/notes.txt', file_text: 'hello\n' }));
    expect(created.observation).toBe('File created successfully at: /testbed/notes.txt');
    const again = await env.step(edit({ command: 'create', path: '/testbed/notes.txt', file_text: 'x' }));
    expect(again.observation).toBe('File already exists at: /testbed/notes.txt. Cannot overwrite files using command `create`.');
  });

  it('runs bash with its exit status, names unknown tools, and submits the diff as the patch', async () => {
    const failing = await env.step({ tool: 'bash', args: { command: 'exit 4' } });
    expect(failing.info).toMatchObject({ exitCode: 4, timedOut: false });
    const unknown = await env.step({ tool: 'browse', args: {} });
    expect(unknown.observation).toBe('Unknown tool "browse". The available tools are: bash, str_replace_editor, submit.');
    const submitted = await env.step({ tool: 'submit', args: {} });
    expect(submitted.done).toBe(true);
    const patch = String(submitted.info?.patch);
    expect(patch).toContain('+"""Calculator."""');
    expect(patch).toContain('diff --git a/notes.txt b/notes.txt\nnew file mode 100644');
    await expect(env.step({ tool: 'bash', args: { command: 'ls' } })).rejects.toThrow(/after submit/);
  });
});
