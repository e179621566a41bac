/**
 * The `str_replace_editor` tool (view, create, str_replace, insert, and the write half of
 * undo_edit) with SWE-agent's semantics and messages (tools/edit_anthropic: tabs expanded, a unique
 * `old_str` required, 4-line snippets, 16,000-character views). It runs INSIDE the sandbox as
 * `node -e`, so a symlink in the work tree can lead it nowhere the agent's own commands could not
 * go: the function must stay self-contained (no imports, no outer names) because it is sent as its
 * source text. It reads one JSON request on stdin and prints one JSON `EditorReply`.
 */

export interface EditorRequest {
  command: string;
  path: string;
  file_text?: string;
  old_str?: string;
  new_str?: string;
  insert_line?: number;
  view_range?: number[];
  /** undo_edit: the content to restore (the environment keeps the history). */
  previous?: string;
}

export interface EditorReply {
  output: string;
  ok: boolean;
  /** The file's content before a successful edit, for the environment's undo history. */
  before?: string;
}

export function editorProgram(require: (id: string) => unknown): undefined {
  const fs = require('node:fs') as typeof import('node:fs');
  const nodePath = require('node:path') as typeof import('node:path');
  const SNIPPET_LINES = 4;
  const MAX_RESPONSE_LEN = 16000;
  const TRUNCATED_MESSAGE =
    '<response clipped><NOTE>To save on context only part of this file has been shown to you. You should retry this tool after you have searched inside the file with `grep -n` in order to find the line numbers of what you are looking for.</NOTE>';
  const req: EditorRequest = JSON.parse(fs.readFileSync(0, 'utf8'));
  const reply = (ok: boolean, output: string, before?: string): undefined => {
    process.stdout.write(JSON.stringify(before === undefined ? { ok, output } : { ok, output, before }));
  };
  const expandTabs = (text: string): string => {
    let out = '';
    let column = 0;
    for (const ch of text) {
      if (ch === '\t') {
        const pad = 8 - (column % 8);
        out += ' '.repeat(pad);
        column += pad;
      } else {
        out += ch;
        column = ch === '\n' || ch === '\r' ? 0 : column + 1;
      }
    }
    return out;
  };
  const truncate = (text: string): string => (text.length <= MAX_RESPONSE_LEN ? text : text.slice(0, MAX_RESPONSE_LEN) + TRUNCATED_MESSAGE);
  const makeOutput = (content: string, descriptor: string, initLine = 1): string => {
    const numbered = expandTabs(truncate(content))
      .split('\n')
      .map((line, i) => `${String(i + initLine).padStart(6)}\t${line}`)
      .join('\n');
    return `Here's the result of running \`cat -n\` on ${descriptor}:\n${numbered}\n`;
  };
  const lineCount = (text: string): number => {
    const lines = text.split('\n');
    return lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  };
  const list = (values: unknown[]): string => `[${values.map(String).join(', ')}]`;
  const listTree = (dir: string, depth: number, out: string[]): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = nodePath.join(dir, name);
      out.push(full);
      if (depth < 2 && fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) listTree(full, depth + 1, out);
    }
  };

  const { command, path } = req;
  if (!nodePath.isAbsolute(path)) {
    return reply(false, `The path ${path} is not an absolute path, it should start with \`/\`. Maybe you meant ${nodePath.join(process.cwd(), path)}?`);
  }
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (!stat && command !== 'create') return reply(false, `The path ${path} does not exist. Please provide a valid path.`);
  if (stat && command === 'create') return reply(false, `File already exists at: ${path}. Cannot overwrite files using command \`create\`.`);
  if (stat?.isDirectory() && command !== 'view') {
    return reply(false, `The path ${path} is a directory and only the \`view\` command can be used on directories`);
  }
  try {
    if (command === 'view') {
      if (stat?.isDirectory()) {
        if (req.view_range) return reply(false, 'The `view_range` parameter is not allowed when `path` points to a directory.');
        const entries = [path];
        listTree(path, 1, entries);
        return reply(true, `Here's the files and directories up to 2 levels deep in ${path}, excluding hidden items:\n${entries.join('\n')}\n\n`);
      }
      const content: string = fs.readFileSync(path, 'utf8');
      const range = req.view_range;
      if (!range) return reply(true, makeOutput(content, path));
      if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isInteger(n))) {
        return reply(false, 'Invalid `view_range`. It should be a list of two integers.');
      }
      const lines = content.split('\n');
      const [first, last] = range as [number, number];
      if (first < 1 || first > lines.length) {
        return reply(
          false,
          `Invalid \`view_range\`: ${list(range)}. Its first element \`${first}\` should be within the range of lines of the file: ${list([1, lines.length])}`,
        );
      }
      if (last > lines.length) {
        return reply(
          false,
          `Invalid \`view_range\`: ${list(range)}. Its second element \`${last}\` should be smaller than the number of lines in the file: \`${lines.length}\``,
        );
      }
      if (last !== -1 && last < first) {
        return reply(false, `Invalid \`view_range\`: ${list(range)}. Its second element \`${last}\` should be larger or equal than its first \`${first}\``);
      }
      return reply(true, makeOutput(lines.slice(first - 1, last === -1 ? lines.length : last).join('\n'), path, first));
    }
    if (command === 'create') {
      if (req.file_text === undefined) return reply(false, 'Parameter `file_text` is required for command: create');
      const parent = nodePath.dirname(path);
      if (!fs.existsSync(parent)) return reply(false, `The parent directory ${parent} does not exist. Please create it first.`);
      fs.writeFileSync(path, req.file_text);
      return reply(true, `File created successfully at: ${path}`, req.file_text);
    }
    if (command === 'str_replace') {
      if (req.old_str === undefined) return reply(false, 'Parameter `old_str` is required for command: str_replace');
      const content = expandTabs(fs.readFileSync(path, 'utf8'));
      const oldStr = expandTabs(req.old_str);
      const newStr = expandTabs(req.new_str ?? '');
      const occurrences = oldStr === '' ? content.length + 1 : content.split(oldStr).length - 1;
      if (occurrences === 0) return reply(false, `No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`);
      if (occurrences > 1) {
        const lines = content
          .split('\n')
          .map((line, i) => (line.includes(oldStr) ? i + 1 : 0))
          .filter((n) => n > 0);
        return reply(false, `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines ${list(lines)}. Please ensure it is unique`);
      }
      if (newStr === oldStr) return reply(false, `No replacement was performed, old_str \`${oldStr}\` is the same as new_str \`${newStr}\`.`);
      const at = content.indexOf(oldStr);
      const updated = content.slice(0, at) + newStr + content.slice(at + oldStr.length);
      fs.writeFileSync(path, updated);
      const replacementLine = content.slice(0, at).split('\n').length - 1;
      const start = Math.max(1, replacementLine - SNIPPET_LINES);
      const end = Math.min(replacementLine + SNIPPET_LINES + newStr.split('\n').length - 1, lineCount(updated));
      const snippet = updated
        .split('\n')
        .slice(start - 1, end)
        .join('\n');
      return reply(
        true,
        `The file ${path} has been edited. ${makeOutput(snippet, `a snippet of ${path}`, start)}Review the changes and make sure they are as expected. Edit the file again if necessary.`,
        content,
      );
    }
    if (command === 'insert') {
      if (req.insert_line === undefined) return reply(false, 'Parameter `insert_line` is required for command: insert');
      if (req.new_str === undefined) return reply(false, 'Parameter `new_str` is required for command: insert');
      const content = expandTabs(fs.readFileSync(path, 'utf8'));
      const lines = content.split('\n');
      const at = req.insert_line;
      if (!Number.isInteger(at) || at < 0 || at > lines.length) {
        return reply(false, `Invalid \`insert_line\` parameter: ${at}. It should be within the range of lines of the file: ${list([0, lines.length])}`);
      }
      const inserted = expandTabs(req.new_str).split('\n');
      fs.writeFileSync(path, [...lines.slice(0, at), ...inserted, ...lines.slice(at)].join('\n'));
      const snippet = [...lines.slice(Math.max(0, at - SNIPPET_LINES), at), ...inserted, ...lines.slice(at, at + SNIPPET_LINES)].join('\n');
      return reply(
        true,
        `The file ${path} has been edited. ${makeOutput(snippet, 'a snippet of the edited file', Math.max(1, at - SNIPPET_LINES + 1))}Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.`,
        content,
      );
    }
    if (command === 'undo_edit') {
      fs.writeFileSync(path, req.previous ?? '');
      return reply(true, `Last edit to ${path} undone successfully. ${makeOutput(req.previous ?? '', path)}`);
    }
    return reply(
      false,
      `Unrecognized command ${command}. The allowed commands for the str_replace_editor tool are: "view", "create", "str_replace", "insert", "undo_edit"`,
    );
  } catch (error) {
    return reply(false, `Ran into ${String(error)} while trying to edit ${path}`);
  }
}
