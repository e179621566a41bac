// SRL §5.1 (SWE): one instance per expert action k. The prompt is the issue plus the last `history`
// (the paper: 2) action/observation pairs before k, not the whole history; observations are
// truncated. The target is action k rendered canonically (the environment-consumable call only,
// not the agent's prose); the model writes <think>...</think> and then the action.
// SFT instances (the SWE-Gym-style baseline) see the whole trajectory so far as chat turns, with
// the expert's thought in <think> tags, and imitate turn k.
import { renderAction, SrlError, type ChatMessage, type Example, type Instance, type InstanceKind, type SweTrajectory } from '@srl/core';
import { observationTurn, SWE_SYSTEM_PROMPT } from './swe-prompts';
import { truncateObservation } from './truncate-observation';

export interface SweInstanceOptions {
  /** Expert action/observation pairs before step k shown in an SRL prompt (the paper: 2). */
  history: number;
  /** Characters of each observation kept (head and tail); 0 keeps all. */
  maxObservationChars: number;
  /** Characters of the issue kept (head and tail), for small models; 0 keeps all (default). */
  maxIssueChars: number;
  /** System prompt of every instance; '' for none. */
  systemPrompt: string;
}

export const SWE_INSTANCE_DEFAULTS: SweInstanceOptions = { history: 2, maxObservationChars: 4000, maxIssueChars: 0, systemPrompt: SWE_SYSTEM_PROMPT };

/** What the model writes for an expert step: its thought as the monologue, then the call. */
export function expertCompletion(thought: string, action: string): string {
  return `<think>\n${thought}\n</think>\n${action}`;
}

/** Builds SWE instances of an example whose `metadata.trajectory` holds the canonical trajectory. */
export class SweInstanceBuilder {
  readonly options: SweInstanceOptions;

  constructor(options: Partial<SweInstanceOptions> = {}) {
    this.options = { ...SWE_INSTANCE_DEFAULTS, ...options };
  }

  build(example: Example, kind: InstanceKind): Instance[] {
    const trajectory = example.metadata?.trajectory as SweTrajectory | undefined;
    if (!trajectory?.steps?.length) {
      throw new SrlError('validation', `example "${example.id}" carries no SWE trajectory (metadata.trajectory); SWE instances are built from the swe/* task readers' examples`);
    }
    if (kind === 'rlvr') {
      throw new SrlError('validation', `SWE trajectory tasks give no "rlvr" instances: a verifiable SWE reward runs the tests in an environment; use "srl" or "sft" instances here`);
    }
    const o = this.options;
    const system: ChatMessage[] = o.systemPrompt !== '' ? [{ role: 'system', content: o.systemPrompt }] : [];
    const actions = trajectory.steps.map((s) => renderAction(s.action));
    const count = actions.length;
    return trajectory.steps.map((step, k): Instance => {
      const first = kind === 'srl' ? Math.max(0, k - o.history) : 0;
      const turns: ChatMessage[] = [];
      for (let j = first; j < k; j++) {
        const past = trajectory.steps[j]!;
        turns.push({ role: 'assistant', content: kind === 'srl' ? (actions[j] as string) : expertCompletion(past.thought, actions[j] as string) });
        turns.push({ role: 'user', content: observationTurn(truncateObservation(past.observation, o.maxObservationChars)) });
      }
      const omitted = first > 0 ? `\n\n(${first} earlier action${first === 1 ? '' : 's'} omitted; the last ${k - first} and what they returned follow.)` : '';
      return {
        id: `${example.id}/${kind}/${k + 1}`,
        exampleId: example.id,
        kind,
        prompt: [...system, { role: 'user', content: `${truncateObservation(trajectory.issue, o.maxIssueChars)}${omitted}` }, ...turns],
        reference: kind === 'srl' ? (actions[k] as string) : expertCompletion(step.thought, actions[k] as string),
        step: { index: k + 1, count },
        metadata: { instanceId: trajectory.instanceId, tool: step.action.tool, ...(trajectory.repo ? { repo: trajectory.repo } : {}) },
      };
    });
  }
}
