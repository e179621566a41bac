import { describe, expect, it } from 'vitest';
import { renderAction } from '@srl/core';
import { sequenceRatio } from '../similarity/sequence-ratio';
import { ActionSimilarityReward, argumentText } from './action-similarity-reward';

const expert = renderAction({ tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/src/a.py', view_range: [10, 40] } });
const say = (action: string): string => `<think>\nlook at the file\n</think>\n${action}`;

describe('action-similarity', () => {
  const reward = new ActionSimilarityReward();
  const score = async (completion: string, reference = expert) => (await reward.score([{ completion, reference }]))[0]!;

  it('scores the expert call 1, in any argument order and any tool alias', async () => {
    expect(await score(say(expert))).toEqual({ reward: 1, components: { similarity: 1, tool_match: 1, format_ok: 1 } });
    const reordered =
      '<function=str_replace_editor>\n<parameter=view_range>[10, 40]</parameter>\n<parameter=path>/testbed/src/a.py</parameter>\n<parameter=command>view</parameter>\n</function>';
    expect((await score(say(reordered))).reward).toBe(1);
    const bash = renderAction({ tool: 'bash', args: { command: 'ls' } });
    expect((await score(say('<function=execute_bash>\n<parameter=command>ls</parameter>\n</function>'), bash)).reward).toBe(1);
  });

  it('scores a right command in another tool 0 (configurable), where step-similarity would not', async () => {
    const disguised = renderAction({ tool: 'bash', args: { command: 'view', path: '/testbed/src/a.py', view_range: [10, 40] } });
    expect(sequenceRatio(disguised, expert)).toBeGreaterThan(0.8);
    expect(await score(say(disguised))).toEqual({ reward: 0, components: { similarity: null, tool_match: 0, format_ok: 1 } });
    const lenient = new ActionSimilarityReward({ toolMismatchReward: -0.5 });
    expect((await lenient.score([{ completion: say(disguised), reference: expert }]))[0]!.reward).toBe(-0.5);
  });

  it('scores the same tool by the difflib ratio of the sorted arguments', async () => {
    const model = { tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/src/b.py' } };
    const expected = sequenceRatio(
      argumentText(model),
      argumentText({ tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/src/a.py', view_range: [10, 40] } }),
    );
    const result = await score(say(renderAction(model)));
    expect(result.reward).toBe(expected);
    expect(expected).toBeGreaterThan(0.4);
    expect(expected).toBeLessThan(0.9);
  });

  it('gives the format penalty to a broken think block or a malformed call', async () => {
    for (const completion of [expert, say('<function=bash>\n<parameter=command>ls</parameter>\n'), say('I would run ls'), say(`${expert}\n${expert}`)]) {
      expect(await score(completion)).toEqual({ reward: -1, components: { similarity: null, tool_match: null, format_ok: 0 } });
    }
    expect((await new ActionSimilarityReward({ format: 'plain' }).score([{ completion: expert, reference: expert }]))[0]!.reward).toBe(1);
  });

  it('refuses a reference that is not a call', async () => {
    await expect(reward.score([{ completion: say(expert), reference: 'ls' }])).rejects.toThrow(/reference is not a well-formed call/);
  });
});
