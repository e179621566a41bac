/** Runs the real `srl` CLI in a child process (node itself, so signals and exit codes are the CLI's own). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const cli = path.join(root, 'packages', 'cli', 'src', 'bin.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `srl <args>` in its own process group (so that a kill reaches all of it). */
export function start(args: string[], cwd = root): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=source', cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

export function finish(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += String(d)));
  child.stderr?.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export const srl = (args: string[], cwd = root): Promise<CliResult> => finish(start(args, cwd));

export const tmp = (prefix = 'srl-fault-'): string => mkdtempSync(path.join(tmpdir(), prefix));

/** Writes a copy of a fixture recipe into `dir` with text replacements; returns its path. */
export function recipeCopy(fixture: string, dir: string, replace: Record<string, string> = {}, name = fixture): string {
  let text = readFileSync(path.join(fixtures, fixture), 'utf8').replace('./fault-rewards.ts', path.join(fixtures, 'fault-rewards.ts'));
  for (const [from, to] of Object.entries(replace)) {
    if (!text.includes(from)) throw new Error(`fixture ${fixture} has no "${from}"`);
    text = text.split(from).join(to);
  }
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A stage's metric lines without wall-clock and memory figures (they vary from run to run). */
export function metrics(out: string, stage: string): Record<string, unknown>[] {
  const file = path.join(out, 'stages', stage, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !k.startsWith('time/') && !k.startsWith('memory/') && k !== 'tokens/s')));
}

export const readJson = <T = Record<string, unknown>>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** sha256 of the weights a checkpoint pointer (`final.json`, `latest.json`) publishes. */
export function weightsHash(out: string, stage: string, tag = 'final'): string {
  const checkpoints = path.join(out, 'stages', stage, 'checkpoints');
  const { dir } = readJson<{ dir: string }>(path.join(checkpoints, `${tag}.json`));
  return createHash('sha256')
    .update(readFileSync(path.join(checkpoints, dir, 'model.safetensors')))
    .digest('hex');
}

/** Resolves once `ready()` holds; throws if the child ends first or after `ms`. */
export async function waitFor(ready: () => boolean, child: ChildProcess, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the run ended before the condition was met');
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The uninterrupted run of a fixture recipe, trained once per test session (keyed by the vitest
 * process and the recipe's text) and shared by the test files that compare against it.
 */
export async function referenceRun(recipe: string): Promise<string> {
  const key = createHash('sha256').update(readFileSync(recipe)).digest('hex').slice(0, 12);
  const dir = path.join(tmpdir(), `srl-fault-reference-${process.ppid}-${key}`);
  const done = (): boolean => existsSync(path.join(dir, 'run.json')) && readJson<{ status: string }>(path.join(dir, 'run.json')).status === 'complete';
  if (done()) return dir;
  const staging = `${dir}.tmp-${process.pid}`;
  const run = await srl(['train', recipe, '--out', staging]);
  if (run.code !== 0) throw new Error(`the reference run failed: ${run.stderr}`);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test file published it first
  }
  if (!done()) throw new Error(`no complete reference run at ${dir}`);
  return dir;
}
