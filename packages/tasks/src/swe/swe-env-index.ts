// Public API of the SWE execution side: sandbox, environment, built-in tasks, tests, agent loop.
export * from './sandbox/bubblewrap-sandbox';
export * from './sandbox/check-bubblewrap';
export * from './sandbox/run-capped';
export * from './sandbox/sandbox-limits';
export * from './env/swe-environment';
export * from './env/editor-program';
export * from './builtin/builtin-swe-tasks';
export * from './builtin/builtin-swe-task-plugin';
export * from './reward/run-task-tests';
export * from './reward/tests-pass-reward';
export * from './agent/run-agent';
export * from './agent/replay-trajectory';
export * from './agent/split-agent-reply';
export * from './agent/write-trajectories';
export * from './sandbox/sandbox-battery';
