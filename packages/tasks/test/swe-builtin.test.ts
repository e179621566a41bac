import { describe, expect, it } from 'vitest';
import { loadBuiltinSweTasks, replayTrajectory, SweEnvironment, TestsPassReward } from '../src/index';
import { DEFAULT_SANDBOX_LIMITS } from '../src/swe/sandbox/sandbox-limits';

describe('built-in SWE tasks', async () => {
  const tasks = await loadBuiltinSweTasks();

  it('are at least five tiny repositories in Python and Node, each with tests and a 4-12 action expert trajectory', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(5);
    expect(new Set(tasks.map((t) => t.language))).toEqual(new Set(['python', 'node']));
    for (const task of tasks) {
      expect(task.FAIL_TO_PASS.length, task.name).toBeGreaterThan(0);
      expect(task.PASS_TO_PASS.length, task.name).toBeGreaterThan(0);
      expect(task.trajectory.issue).toBe(task.issue);
      expect(task.trajectory.instanceId).toBe(task.instanceId);
      const tools = task.trajectory.steps.map((s) => s.action.tool);
      expect(tools.length).toBeGreaterThanOrEqual(4);
      expect(tools.length).toBeLessThanOrEqual(12);
      expect(tools.at(-1)).toBe('submit');
      expect(tools).toContain('str_replace_editor');
    }
  });

  it('replays the expert trajectory of a Python and a Node task to a resolved patch', async () => {
    for (const name of ['py-intervals', 'node-duration']) {
      const task = tasks.find((t) => t.name === name)!;
      const result = await replayTrajectory({ task, environment: new SweEnvironment(), actions: task.trajectory.steps.map((s) => s.action) });
      expect(result.resolved, `${name}: ${result.log}`).toBe(true);
      expect(Object.keys(result.tests).sort()).toEqual([...task.FAIL_TO_PASS, ...task.PASS_TO_PASS].sort());
    }
  });

  it('tests-pass: 1 for the expert patch; 0 for no patch, a wrong patch and a patch that does not apply, with per-test components', async () => {
    const task = tasks.find((t) => t.name === 'py-slugify')!;
    const expert = task.trajectory.steps.at(-1)!.observation;
    const wrong = expert.replace('[^a-zA-Z0-9]+', '[^a-zA-Z0-9 ]+');
    expect(wrong).not.toBe(expert);
    const broken = expert.replace('-    text = re.sub', '-    text = re.subx');
    const reward = new TestsPassReward({ unsafe: false, limits: DEFAULT_SANDBOX_LIMITS });
    const meta = { instanceId: task.instanceId };
    const [good, none, bad, unapplied, unknown] = await reward.score([
      { completion: expert, metadata: meta },
      { completion: '', metadata: meta },
      { completion: wrong, metadata: meta },
      { completion: broken, metadata: meta },
      { completion: expert, metadata: {} },
    ]);
    const f2p = `test:${task.FAIL_TO_PASS[0]}`;
    const p2p = `test:${task.PASS_TO_PASS[0]}`;
    expect(good).toMatchObject({ reward: 1, components: { applied: 1, [f2p]: 1, [p2p]: 1 } });
    expect(none).toMatchObject({ reward: 0, components: { applied: 1, [f2p]: 0, [p2p]: 1 } });
    expect(bad).toMatchObject({ reward: 0, components: { applied: 1, [f2p]: 0 } });
    expect(unapplied).toMatchObject({ reward: 0, components: { applied: 0, [f2p]: null } });
    expect(unknown).toEqual({ reward: null, components: { applied: null } });
  });
});
