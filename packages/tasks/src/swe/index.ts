/** SWE: agent trajectories (OpenHands, SWE-agent, SWE-smith) as step-wise instances, and SWE-bench interop. */
export {
  renderAction,
  parseAction,
  canonicalToolName,
  DEFAULT_TOOL_NAMES,
  DEFAULT_PARAMETER_TYPES,
  type ParameterType,
  type ActionXmlOptions,
} from './action-xml';
export type { SweAction, SweStep, SweTrajectory } from './trajectory';
export { loadTrajectories, type TrajectoryFormat, type LoadTrajectoriesInput, type LoadedTrajectories } from './load-trajectories';
export {
  SweInstanceBuilder,
  SWE_INSTANCE_DEFAULTS,
  SWE_INSTANCE_SCHEMA_PROPERTIES,
  expertCompletion,
  type SweInstanceOptions,
} from './instances/swe-instance-builder';
export { SWE_SYSTEM_PROMPT, observationTurn } from './instances/swe-system-prompt';
export { truncateObservation } from './instances/truncate-observation';
export { SweTrajectoryTask, type SweTrajectoryTaskConfig } from './swe-trajectory-task';
export { sweTaskPlugins, type SweTaskOptions } from './swe-task-plugins';
export * from './swebench/index';
