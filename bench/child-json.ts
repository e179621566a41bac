// Runs a bench file in a child process (tsx, on sources) and reads the JSON object it prints as its last line:
// the benches that measure per process (peak RSS, one tfjs backend per process) run each point this way.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const tsx = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'tsx');

/** `script args...` in a child; its last stdout line parsed, or why there was none (exit status and last stderr line). */
export function runChildJson<T>(script: string, args: string[]): { value: T } | { error: string } {
  const child = spawnSync(tsx, ['--conditions=source', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.error !== undefined) return { error: `${script} did not start: ${child.error.message}` };
  const last = (child.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return { value: JSON.parse(last) as T };
  } catch {
    return { error: `exit ${child.status ?? child.signal}: ${(child.stderr || '').trim().split('\n').pop()?.slice(0, 160) ?? ''}` };
  }
}
