// SRL §5.1 (SWE): one instance per expert action k. The prompt is the issue plus the last `history`
// (the paper: 2) action/observation pairs before k, not the whole history; observations are
// truncated. The target is action k rendered canonically (the environment-consumable call only,
// not the agent's prose); the model writes <think>...</think> and then the action.
// SFT instances (the SWE-Gym-style baseline) see the whole trajectory so far as chat turns, with
// the expert's thought in <think> tags, and imitate turn k.
// The agent loop builds each turn's prompt with the same `prompt()`, so the model acts on the
// context it was trained on.
import {
  Default,
  renderAction,
  schemaDefaults,
  SrlError,
  Type,
  type PluginOptions,
  type ChatMessage,
  type Example,
  type Instance,
  type InstanceKind,
  type SweStep,
  type SweTrajectory,
} from '@srl/core';
import { observationTurn, SWE_SYSTEM_PROMPT } from './swe-system-prompt';
import { truncateObservation } from './truncate-observation';

/** How a SWE task turns a trajectory into instances, declared once (shared by every SWE task plugin). */
export const SWE_INSTANCE_SCHEMA_PROPERTIES = {
  /** Expert action/observation pairs before step k shown in an SRL prompt (the paper: 2). */
  history: Default(Type.Integer({ minimum: 0, description: 'expert action/observation pairs in an SRL prompt (paper: 2)' }), 2),
  /** Characters of each observation kept (head and tail); 0 keeps all. */
  maxObservationChars: Default(Type.Integer({ minimum: 0, description: 'characters kept of each observation (head and tail); 0: all' }), 4000),
  /** Characters of the issue kept (head and tail), for small models; 0 keeps all. */
  maxIssueChars: Default(Type.Integer({ minimum: 0, description: 'characters kept of the issue (head and tail); 0: all' }), 0),
  /** System prompt of every instance; '' for none. */
  systemPrompt: Default(Type.String({ description: "system prompt ('' for none); default names the tools and the <think> + call format" }), SWE_SYSTEM_PROMPT),
};
const sweInstanceSchema = Type.Object(SWE_INSTANCE_SCHEMA_PROPERTIES);
export type SweInstanceOptions = PluginOptions<typeof sweInstanceSchema>;
export const SWE_INSTANCE_DEFAULTS: SweInstanceOptions = schemaDefaults(sweInstanceSchema);

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

  /**
   * The prompt before step `k` (0-based) of `steps`: the system prompt, the issue, then the earlier
   * steps as chat turns: for `srl` the last `history` actions (calls only), for `sft` all of them
   * with their thoughts in <think>; each answered by its truncated observation.
   */
  prompt(input: { issue: string; steps: readonly SweStep[]; k: number; kind: 'srl' | 'sft' }): ChatMessage[] {
    const o = this.options;
    const { steps, k, kind } = input;
    const first = kind === 'srl' ? Math.max(0, k - o.history) : 0;
    const turns: ChatMessage[] = [];
    for (let j = first; j < k; j++) {
      const past = steps[j]!;
      const action = renderAction(past.action);
      turns.push({ role: 'assistant', content: kind === 'srl' ? action : expertCompletion(past.thought, action) });
      turns.push({ role: 'user', content: observationTurn(truncateObservation(past.observation, o.maxObservationChars)) });
    }
    const omitted = first > 0 ? `\n\n(${first} earlier action${first === 1 ? '' : 's'} omitted; the last ${k - first} and what they returned follow.)` : '';
    const system: ChatMessage[] = o.systemPrompt !== '' ? [{ role: 'system', content: o.systemPrompt }] : [];
    return [...system, { role: 'user', content: `${truncateObservation(input.issue, o.maxIssueChars)}${omitted}` }, ...turns];
  }

  build(example: Example, kind: InstanceKind): Instance[] {
    const trajectory = example.metadata?.trajectory as SweTrajectory | undefined;
    if (!trajectory?.steps?.length) {
      throw new SrlError(
        'validation',
        `example "${example.id}" carries no SWE trajectory (metadata.trajectory); SWE instances are built from the swe/* task readers' examples`,
      );
    }
    if (kind === 'rlvr') {
      throw new SrlError(
        'validation',
        `SWE trajectory tasks give no "rlvr" instances: a verifiable SWE reward runs the tests in an environment; use "srl" or "sft" instances here, or swe/builtin`,
      );
    }
    const actions = trajectory.steps.map((s) => renderAction(s.action));
    const count = actions.length;
    return trajectory.steps.map(
      (step, k): Instance => ({
        id: `${example.id}/${kind}/${k + 1}`,
        exampleId: example.id,
        kind,
        prompt: this.prompt({ issue: trajectory.issue, steps: trajectory.steps, k, kind }),
        reference: kind === 'srl' ? (actions[k] as string) : expertCompletion(step.thought, actions[k] as string),
        step: { index: k + 1, count },
        metadata: { instanceId: trajectory.instanceId, tool: step.action.tool, ...(trajectory.repo ? { repo: trajectory.repo } : {}) },
      }),
    );
  }
}
