import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const VENV = fileURLToPath(new URL('../../../node_modules/.cache/srl-python-openai/', import.meta.url));

/**
 * A Python venv with the official `openai` client, created once under node_modules/.cache (about 6 s) from the
 * machine's configured package indexes. Returns its python.
 */
export async function pythonWithOpenAi(): Promise<string> {
  const python = path.join(VENV, 'bin', 'python');
  const ready = path.join(VENV, '.srl-ready');
  if (existsSync(ready)) return python;
  await run('python3', ['-m', 'venv', '--clear', VENV]);
  // The indexes configured for this machine (pip config), named explicitly so pip does not wait on pypi.org.
  const indexes = (process.env.SRL_PIP_INDEXES ?? '--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple')
    .split(' ')
    .filter(Boolean);
  const local = existsSync('/opt/pypi/simple') ? indexes : [];
  await run(python, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...local, 'openai'], { timeout: 300_000 });
  writeFileSync(ready, '');
  return python;
}
