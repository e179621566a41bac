import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_SPEC_VERSION, type ChatMessage, type Generation, type Policy, type Prompt, type SamplingParams } from '@srl/core';
import { renderAction } from '../action-xml';
import { loadBuiltinSweTasks } from '../builtin/builtin-swe-tasks';
import { SweInstanceBuilder } from '../instances/swe-instance-builder';
import { SWE_SYSTEM_PROMPT } from '../instances/swe-system-prompt';
import { SweEnvironment } from '../env/swe-environment';
import { runAgent } from './run-agent';
import { loadTrajectories } from '../load-trajectories';
import { writeTrajectories } from './write-trajectories';

/** A policy that answers each turn with the next scripted reply, honouring the stop string like a real one. */
class ScriptedPolicy implements Policy {
  readonly specVersion = POLICY_SPEC_VERSION;
  readonly name = 'scripted';
  readonly seen: ChatMessage[][] = [];
  private turn = 0;
  constructor(private readonly replies: string[]) {}
  async generate(prompts: Prompt[], params: SamplingParams): Promise<Generation[]> {
    this.seen.push([...(prompts[0] as ChatMessage[])]);
    let text = this.replies[Math.min(this.turn++, this.replies.length - 1)]!;
    const stop = params.stop?.find((s) => text.includes(s));
    if (stop) text = text.slice(0, text.indexOf(stop));
    const tokenIds = text
      .split(/\s+/)
      .slice(0, params.maxTokens)
      .map((_, i) => i);
    return [{ promptText: '', promptTokenIds: [], samples: [{ text, tokenIds, logprobs: tokenIds.map(() => 0), finishReason: stop ? 'stop' : 'eos' }] }];
  }
  formatPrompt(prompt: Prompt): string {
    return JSON.stringify(prompt);
  }
  dispose(): void {}
}

describe('runAgent', async () => {
  const [task] = await loadBuiltinSweTasks(['py-inifile']);

  it('runs a policy that acts like the expert to a resolved patch, and its trajectory is canonical training data', async () => {
    const replies = task!.trajectory.steps.map((s) => `<think>\n${s.thought}\n</think>\n${renderAction(s.action)}`);
    const policy = new ScriptedPolicy(replies);
    const run = await runAgent({ policy, task: task!, environment: new SweEnvironment(), options: { maxSteps: 10, maxObservationChars: 300 } });
    expect(run).toMatchObject({ resolved: true, stopReason: 'submitted', malformed: 0 });
    expect(run.trajectory.steps.map((s) => s.action)).toEqual(task!.trajectory.steps.map((s) => s.action));
    expect(run.trajectory.steps[0]!.thought).toBe(task!.trajectory.steps[0]!.thought);
    // The second turn sees the issue, the first reply and its (truncated) observation.
    expect(policy.seen[1]!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(policy.seen[1]![1]!.content).toBe(task!.issue);
    expect(policy.seen[1]![2]!.content).toBe(replies[0]);
    expect(policy.seen[0]![0]).toEqual({ role: 'system', content: SWE_SYSTEM_PROMPT });
    const file = join(mkdtempSync(join(tmpdir(), 'srl-agent-')), 'runs.jsonl');
    await writeTrajectories(file, [run.trajectory]);
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).toEqual(run.trajectory);
    // ... which the canonical reader (task swe/trajectories) takes back as it was written.
    const back = await loadTrajectories({ path: file, format: 'canonical', toolNames: {}, strict: true });
    expect(back.trajectories.map((t) => t.trajectory)).toEqual([run.trajectory]);
  });

  it("with context 'srl', shows the model each turn exactly the prompt of the SRL step instance of its own trajectory", async () => {
    const policy = new ScriptedPolicy(task!.trajectory.steps.map((s) => `<think>\n${s.thought}\n</think>\n${renderAction(s.action)}`));
    const prompt = { history: 2, maxObservationChars: 120, maxIssueChars: 80, systemPrompt: 'Act.' };
    const run = await runAgent({ policy, task: task!, environment: new SweEnvironment(), options: { ...prompt, context: 'srl', maxSteps: 10 } });
    const instances = new SweInstanceBuilder(prompt).build({ id: 'x', problem: task!.issue, metadata: { trajectory: run.trajectory } }, 'srl');
    expect(run.resolved).toBe(true);
    expect(policy.seen).toEqual(instances.map((i) => i.prompt));
    expect(policy.seen.at(-1)!.filter((m) => m.role === 'assistant')).toHaveLength(2);
  });

  it('tells the policy about a malformed reply, stops at the step budget and scores the work tree as it is', async () => {
    const policy = new ScriptedPolicy(['I think the bug is in the parser.']);
    const run = await runAgent({ policy, task: task!, environment: new SweEnvironment(), options: { maxSteps: 3 } });
    expect(run).toMatchObject({ resolved: false, stopReason: 'step-budget', malformed: 3, patch: '' });
    expect(run.trajectory.steps).toEqual([]);
    expect(policy.seen[1]!.at(-1)!.content).toMatch(/^Your reply has no valid tool call \(no <function=\.\.\.> call found\)/);
  });

  it('stops at the token budget', async () => {
    const policy = new ScriptedPolicy(['<function=bash>\n<parameter=command>ls -la /testbed</parameter>\n</function>']);
    const run = await runAgent({ policy, task: task!, environment: new SweEnvironment(), options: { maxSteps: 50, maxTotalTokens: 8 } });
    expect(run.stopReason).toBe('token-budget');
    expect(run.generatedTokens).toBe(8); // 5 tokens, then a reply cut to the 3 left
    expect(run.trajectory.steps.length).toBe(2);
  });
});
