import type { ChatMessage, Environment, Logger, Policy } from '@srl/core';
import { parseAction, renderAction } from '../action-xml';
import type { TestedSweTask } from '../builtin/builtin-swe-tasks';
import type { SweTask } from '../env/swe-environment';
import { runTaskTests } from '../reward/run-task-tests';
import type { SandboxLimits } from '../sandbox/sandbox-limits';
import type { SweAction, SweStep, SweTrajectory } from '../trajectory';
import { SWE_INSTANCE_DEFAULTS, SweInstanceBuilder, type SweInstanceOptions } from '../instances/swe-instance-builder';
import { splitAgentReply } from './split-agent-reply';

/**
 * The prompt options (`history`, `maxObservationChars`, `maxIssueChars`, `systemPrompt`) are the
 * SWE step instances' own: each turn's prompt is built by the same SweInstanceBuilder.
 */
export interface AgentOptions extends SweInstanceOptions {
  /**
   * `sft` (default): every earlier step, its thought in <think> then its call, as SWE-agent shows
   * the history; `srl`: the last `history` calls only, as the SRL step instances show them (use it
   * to evaluate an SRL-trained model on the context it was trained on).
   */
  context: 'srl' | 'sft';
  /** Most actions per episode (malformed replies count too); then the work tree is submitted as it is. */
  maxSteps: number;
  /** Most tokens the policy may generate over the whole episode; then the work tree is submitted. */
  maxTotalTokens: number;
  /** Most tokens of one reply. */
  maxTokensPerStep: number;
  /** 0: greedy. */
  temperature: number;
  seed?: number;
  /** The sandbox limits of the final test run (the episode's own come from the environment). */
  limits?: Partial<SandboxLimits>;
  /** Run the final tests without bubblewrap. */
  unsafe?: boolean;
}

export const DEFAULT_AGENT_OPTIONS: AgentOptions = {
  ...SWE_INSTANCE_DEFAULTS,
  context: 'sft',
  maxSteps: 30,
  maxTotalTokens: 32_000,
  maxTokensPerStep: 1024,
  temperature: 0,
};

export type AgentStopReason = 'submitted' | 'step-budget' | 'token-budget';

export interface AgentRun {
  /** The episode in the canonical form (valid actions, whole observations), so an agent run is also training data. */
  trajectory: SweTrajectory;
  patch: string;
  resolved: boolean;
  tests: Record<string, boolean>;
  stopReason: AgentStopReason;
  /** Replies that held no parsable action (the policy was told and asked again). */
  malformed: number;
  generatedTokens: number;
}

/**
 * The agent loop (SWE-agent's, in text form): the policy writes a thought and one XML tool call,
 * the sandboxed environment runs it, the observation goes back as the next user turn, until
 * `submit` or a budget runs out. The submitted patch is then checked with the task's tests.
 * Each turn's prompt is SweInstanceBuilder's prompt of the steps so far (the step instances'
 * system prompt, truncation and turn format); a malformed reply is shown with what was wrong.
 * The episode runs in `environment` (the `swe/sandbox` plugin, or any Environment with SWE-agent's
 * tools): reset on the task, closed when the episode ends; the caller owns it otherwise.
 */
export async function runAgent(input: {
  policy: Policy;
  task: TestedSweTask;
  environment: Environment<SweTask, SweAction>;
  options?: Partial<AgentOptions>;
  logger?: Logger;
}): Promise<AgentRun> {
  const o = { ...DEFAULT_AGENT_OPTIONS, ...input.options };
  const { task, policy } = input;
  const env = input.environment;
  const steps: SweStep[] = [];
  let patch: string | null = null;
  let stopReason: AgentStopReason = 'step-budget';
  let malformed = 0;
  let generatedTokens = 0;
  try {
    const issue = await env.reset(task);
    const builder = new SweInstanceBuilder(o);
    /** The last malformed reply and what was wrong with it, shown after the prompt until a valid call. */
    let retry: ChatMessage[] = [];
    for (let turn = 0; turn < o.maxSteps; turn += 1) {
      const remaining = o.maxTotalTokens - generatedTokens;
      if (remaining <= 0) {
        stopReason = 'token-budget';
        break;
      }
      const messages = [...builder.prompt({ issue, steps, k: steps.length, kind: o.context }), ...retry];
      const maxTokens = Math.min(o.maxTokensPerStep, remaining);
      const [generation] = await policy.generate([messages], {
        maxTokens,
        temperature: o.temperature,
        seed: o.seed === undefined ? undefined : o.seed + turn,
        stop: ['</function>'],
      });
      const sample = generation!.samples[0]!;
      generatedTokens += sample.tokenIds.length;
      // The stop string is kept out of the text: put it back so the call is complete.
      const reply = sample.finishReason === 'stop' && sample.text.includes('<function=') ? `${sample.text}</function>` : sample.text;
      const split = splitAgentReply(reply);
      let action: SweStep['action'];
      try {
        // Caught below: the message goes back to the model as feedback, never to the user.
        if (split.action === null) throw new Error('no <function=...> call found');
        action = parseAction(split.action);
        renderAction(action); // the prompt shows it rendered: a call that cannot be is malformed
      } catch (error) {
        malformed += 1;
        retry = [
          { role: 'assistant', content: reply },
          {
            role: 'user',
            content: `Your reply has no valid tool call (${(error as Error).message.slice(0, 300)}). Reply with your reasoning, then exactly one call: <function=NAME>\n<parameter=KEY>VALUE</parameter>\n</function>`,
          },
        ];
        continue;
      }
      retry = [];
      const outcome = await env.step(action);
      steps.push({ thought: split.thought, action, observation: outcome.observation });
      if (outcome.done) {
        patch = String(outcome.info?.patch ?? '');
        stopReason = 'submitted';
        break;
      }
    }
    // SWE-agent's autosubmission: a run out of budget is scored on the work tree as it is.
    if (patch === null) patch = String((await env.step({ tool: 'submit', args: {} })).info?.patch ?? '');
  } finally {
    await env.close();
  }
  const tests = await runTaskTests({ task, patch, limits: o.limits, unsafe: o.unsafe });
  return {
    trajectory: { instanceId: task.instanceId, repo: task.repo, issue: task.issue, steps, resolved: tests.resolved },
    patch,
    resolved: tests.resolved,
    tests: tests.tests,
    stopReason,
    malformed,
    generatedTokens,
  };
}
