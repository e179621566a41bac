/** @srl/cli: the `srl` command. */
export { main, buildProgram } from './main';
export { ConsoleLogger } from './console-logger';
export { createPluginEnvironment } from './plugin-environment';
export { runExperiment, type RunExperimentOptions, type ExperimentResult } from './experiment/run-experiment';
export { loadExperiment, experimentSchema, type ExperimentSpec, type ArmSpec } from './experiment/experiment-spec';
