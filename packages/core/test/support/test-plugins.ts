import { Default, definePlugin, TASK_SPEC_VERSION, Type, type ChatMessage, type Example, type Instance, type InstanceKind, type Task } from '../../src/index';
import { BigramPolicy } from './bigram-policy';

/** A small arithmetic task with numbered steps, in memory. */
export function listTask(count: number): Task {
  const examples: Example[] = Array.from({ length: count }, (_, i) => ({
    id: `p${i}`,
    problem: `Add ${i} and ${i + 1}.`,
    answer: String(2 * i + 1),
    steps: [`${i} + ${i + 1} = ${2 * i + 1}`, `The answer is ${2 * i + 1}`],
  }));
  const prompt = (e: Example, before: string[]): ChatMessage[] => [{ role: 'user', content: `${e.problem}\n${before.join('\n')}` }];
  return {
    specVersion: TASK_SPEC_VERSION,
    name: 'test/add',
    splits: () => ['train', 'validation'],
    load: async (split, o) => ({ examples: (split === 'train' ? examples : examples.slice(0, 4)).slice(0, o?.limit), skipped: [] }),
    instances: (e: Example, kind: InstanceKind): Instance[] => {
      if (kind === 'rlvr') return [{ id: `${e.id}`, exampleId: e.id, kind, prompt: prompt(e, []), reference: e.answer! }];
      if (kind === 'sft') return [{ id: `${e.id}`, exampleId: e.id, kind, prompt: prompt(e, []), reference: e.steps!.join('\n') }];
      return e.steps!.map((s, k) => ({
        id: `${e.id}-${k}`,
        exampleId: e.id,
        kind,
        prompt: prompt(e, e.steps!.slice(0, k)),
        reference: s,
        step: { index: k + 1, count: e.steps!.length },
      }));
    },
    evalMetric: { name: 'accuracy', reward: 'test-exact' },
  };
}

/** Rewards: fraction of the reference's characters found at the same position; and exact match. */
const prefixReward = definePlugin({
  kind: 'reward',
  name: 'test-prefix',
  options: Type.Object({}),
  create: () => ({
    specVersion: 1 as const,
    name: 'test-prefix',
    score: async (inputs) =>
      inputs.map(({ completion, reference = '' }) => {
        let same = 0;
        for (let i = 0; i < Math.min(completion.length, reference.length); i++) if (completion[i] === reference[i]) same++;
        return { reward: same / Math.max(1, reference.length), components: { length: completion.length } };
      }),
  }),
});
const exactReward = definePlugin({
  kind: 'reward',
  name: 'test-exact',
  options: Type.Object({}),
  create: () => ({
    specVersion: 1 as const,
    name: 'test-exact',
    score: async (inputs) => inputs.map((i) => ({ reward: i.completion.trim() === i.reference ? 1 : 0, components: {} })),
  }),
});

export const testPlugins = [
  prefixReward,
  exactReward,
  definePlugin({ kind: 'policy', name: 'bigram', options: Type.Object({ seed: Default(Type.Integer(), 0) }), create: (o) => new BigramPolicy(o.seed) }),
  definePlugin({ kind: 'task', name: 'test/add', options: Type.Object({ count: Default(Type.Integer(), 12) }), create: (o) => listTask(o.count) }),
];
