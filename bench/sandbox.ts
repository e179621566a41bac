// Benchmark: the cost of the SWE sandbox (bubblewrap) per command, against the same command run on the
// host (unsafe mode), and the cost of one str_replace_editor call (node -e inside the sandbox) and of
// replaying a built-in task (7 actions, then its tests in a fresh copy).
// Run: pnpm bench sandbox   (needs bubblewrap: apt-get install -y bubblewrap)
// The last line is the overhead ratio: sandboxed / unsafe time of `true`.
import { BubblewrapSandbox } from '../packages/tasks/src/swe/sandbox/bubblewrap-sandbox.ts';
import { SweEnvironment } from '../packages/tasks/src/swe/env/swe-environment.ts';
import { loadBuiltinSweTasks } from '../packages/tasks/src/swe/builtin/builtin-swe-tasks.ts';
import { replayTrajectory } from '../packages/tasks/src/swe/agent/replay-trajectory.ts';

const N = Number(process.env.BENCH_REPEATS ?? 30);

async function perCommand(unsafe: boolean): Promise<number> {
  const sandbox = await BubblewrapSandbox.create({ unsafe });
  try {
    await sandbox.exec('true');
    const start = performance.now();
    for (let i = 0; i < N; i += 1) await sandbox.exec('true');
    return (performance.now() - start) / N;
  } finally {
    await sandbox.close();
  }
}

const sandboxed = await perCommand(false);
const unsafe = await perCommand(true);
const [task] = await loadBuiltinSweTasks(['py-slugify']);
const env = new SweEnvironment();
await env.reset(task!);
let start = performance.now();
for (let i = 0; i < 10; i += 1) await env.step({ tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/textkit/slug.py' } });
const editor = (performance.now() - start) / 10;
await env.close();
start = performance.now();
const replay = await replayTrajectory({ task: task!, actions: task!.trajectory.steps.map((s) => s.action) });
const replayMs = performance.now() - start;
console.log(`bash 'true', sandboxed:   ${sandboxed.toFixed(1)} ms per command (${N} runs)`);
console.log(`bash 'true', unsafe:      ${unsafe.toFixed(1)} ms per command`);
console.log(`str_replace_editor view:  ${editor.toFixed(1)} ms per call`);
console.log(`replay py-slugify:        ${(replayMs / 1000).toFixed(2)} s (resolved ${String(replay.resolved)})`);
console.log(`sandbox overhead: ${(sandboxed / unsafe).toFixed(1)}x`);
