import { ENVIRONMENT_SPEC_VERSION, SrlError, type Environment, type EnvironmentTask, type Logger, type StepOutcome } from '@srl/core';
import { BubblewrapSandbox } from '../sandbox/bubblewrap-sandbox';
import type { CommandResult } from '../sandbox/run-capped';
import type { SandboxLimits } from '../sandbox/sandbox-limits';
import type { SweAction } from '../trajectory';
import { editorProgram, type EditorReply, type EditorRequest } from './editor-program';

/** An SWE episode: a repository at its base commit and the issue to resolve. */
export interface SweTask extends EnvironmentTask {
  instanceId: string;
  /** `owner/name`, when known. */
  repo?: string;
  issue: string;
  /** Host folder with the repository; copied, never modified. */
  repoDir: string;
}

export interface SweEnvironmentOptions {
  limits?: Partial<SandboxLimits>;
  /** Run without bubblewrap (no isolation); every command logs a warning. */
  unsafe?: boolean;
  logger?: Logger;
}

export const SWE_TOOLS = ['bash', 'str_replace_editor', 'submit'] as const;
const GIT = 'git -c user.name=srl -c user.email=srl@localhost -c core.hooksPath=/dev/null';
/** `git diff` of a whole work tree: a patch far larger than an observation is still a valid patch. */
const PATCH_LIMITS = { outputBytes: 32 * 1024 * 1024, killAfterOutputBytes: 32 * 1024 * 1024 };

/**
 * The SWE environment: a throwaway sandboxed copy of the task's repository (see BubblewrapSandbox)
 * and SWE-agent's tools: `bash` (`command`), `str_replace_editor` (`command`, `path`, ...) and
 * `submit`, whose observation is the diff of the work tree against the base (also `info.patch`).
 * `reward` stays null: the `tests-pass` reward scores the patch in a fresh copy.
 */
export class SweEnvironment implements Environment<SweTask, SweAction> {
  readonly specVersion = ENVIRONMENT_SPEC_VERSION;
  readonly name = 'swe';
  private sandbox: BubblewrapSandbox | null = null;
  private done = false;
  /** str_replace_editor's undo history: path → earlier contents, newest last. */
  private history = new Map<string, string[]>();

  constructor(private readonly options: SweEnvironmentOptions = {}) {}

  /** The running episode's sandbox (for tests and `srl swe exec`); null before `reset`. */
  get currentSandbox(): BubblewrapSandbox | null {
    return this.sandbox;
  }

  async reset(task: SweTask): Promise<string> {
    await this.close();
    this.sandbox = await BubblewrapSandbox.create({
      sourceDir: task.repoDir,
      limits: this.options.limits,
      unsafe: this.options.unsafe,
      logger: this.options.logger,
    });
    this.done = false;
    this.history = new Map();
    const base = await this.sandbox.exec(`${GIT} init -q && ${GIT} add -A && ${GIT} commit -q --no-verify --allow-empty -m base`);
    if (base.exitCode !== 0) {
      throw new SrlError(
        'runtime',
        `cannot record the base commit of ${task.instanceId} in the sandbox (git exit ${String(base.exitCode)}): ${base.output.trim()}; is git installed under /usr?`,
      );
    }
    return task.issue;
  }

  async step(action: SweAction): Promise<StepOutcome> {
    const sandbox = this.sandbox;
    if (!sandbox) throw new SrlError('usage', 'SweEnvironment.step called before reset(task)');
    if (this.done) throw new SrlError('usage', 'SweEnvironment.step called after submit: the episode is over; call reset(task) for a new one');
    if (action.tool === 'bash') return this.bash(sandbox, action.args);
    if (action.tool === 'str_replace_editor') return this.edit(sandbox, action.args);
    if (action.tool === 'submit') {
      this.done = true;
      const patch = await workTreePatch(sandbox);
      return { observation: patch, done: true, reward: null, info: { patch } };
    }
    return {
      observation: `Unknown tool "${action.tool}". The available tools are: ${SWE_TOOLS.join(', ')}.`,
      done: false,
      reward: null,
      info: { error: 'unknown-tool' },
    };
  }

  private async bash(sandbox: BubblewrapSandbox, args: Record<string, unknown>): Promise<StepOutcome> {
    if (typeof args.command !== 'string') {
      return { observation: 'Parameter `command` is required for the bash tool.', done: false, reward: null, info: { error: 'bad-arguments' } };
    }
    const result = await sandbox.exec(args.command);
    return { observation: describe(result, sandbox.limits.timeoutMs), done: false, reward: null, info: commandInfo(result) };
  }

  private async edit(sandbox: BubblewrapSandbox, args: Record<string, unknown>): Promise<StepOutcome> {
    const request = editorRequest(args);
    if (typeof request === 'string') return { observation: request, done: false, reward: null, info: { error: 'bad-arguments' } };
    const past = this.history.get(request.path) ?? [];
    if (request.command === 'undo_edit') {
      if (past.length === 0) return { observation: `No edit history found for ${request.path}.`, done: false, reward: null, info: { ok: false } };
      request.previous = past[past.length - 1];
    }
    // The shim keeps the program's source valid when a bundler added name helpers to it.
    const script = `var __name = (f) => f; (${editorProgram.toString()})(require)`;
    const result = await sandbox.execArgv(['node', '-e', script], { stdin: JSON.stringify(request), limits: PATCH_LIMITS });
    let reply: EditorReply;
    try {
      reply = JSON.parse(result.output) as EditorReply;
    } catch {
      return { observation: describe(result, sandbox.limits.timeoutMs), done: false, reward: null, info: { ...commandInfo(result), ok: false } };
    }
    if (reply.ok && request.command === 'undo_edit') past.pop();
    if (reply.ok && reply.before !== undefined) this.history.set(request.path, [...past, reply.before]);
    return { observation: reply.output, done: false, reward: null, info: { ok: reply.ok } };
  }

  async close(): Promise<void> {
    const sandbox = this.sandbox;
    this.sandbox = null;
    await sandbox?.close();
  }
}

/** The work tree's diff against the base commit (new files included), as `git apply` takes it. */
export async function workTreePatch(sandbox: BubblewrapSandbox): Promise<string> {
  const result = await sandbox.exec(`${GIT} add -A && ${GIT} diff --cached --no-color --no-ext-diff --binary HEAD`, { limits: PATCH_LIMITS });
  if (result.exitCode !== 0)
    throw new SrlError('runtime', `cannot compute the submitted patch (git exit ${String(result.exitCode)}): ${result.output.slice(0, 500)}`);
  return result.output;
}

function editorRequest(args: Record<string, unknown>): EditorRequest | string {
  if (typeof args.command !== 'string') return 'Parameter `command` is required for the str_replace_editor tool.';
  if (typeof args.path !== 'string') return 'Parameter `path` is required for the str_replace_editor tool.';
  const request: EditorRequest = { command: args.command, path: args.path };
  for (const key of ['file_text', 'old_str', 'new_str'] as const) if (typeof args[key] === 'string') request[key] = args[key];
  const line = typeof args.insert_line === 'string' && /^-?\d+$/.test(args.insert_line.trim()) ? Number(args.insert_line) : args.insert_line;
  if (line !== undefined) request.insert_line = line as number;
  let range = args.view_range;
  if (typeof range === 'string') {
    try {
      range = JSON.parse(range);
    } catch {
      // left as text: the editor reports an invalid view_range
    }
  }
  if (range !== undefined) request.view_range = range as number[];
  return request;
}

/** A command's observation as SWE-agent phrases it, with the sandbox's limits made visible. */
function describe(result: CommandResult, timeoutMs: number): string {
  let text = result.output;
  if (result.timedOut) text += `\n<command timed out after ${timeoutMs / 1000} s and was killed>`;
  else if (result.outputLimitHit) text += `\n<command killed: it wrote more than the output limit (${result.outputBytes} bytes so far)>`;
  if (text.trim() === '' && result.exitCode === 0) return 'Your command ran successfully and did not produce any output.';
  return text;
}

function commandInfo(result: CommandResult): Record<string, unknown> {
  return { exitCode: result.exitCode, timedOut: result.timedOut, truncated: result.truncated, outputBytes: result.outputBytes };
}
