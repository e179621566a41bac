/**
 * @srl/tasks: SWE trajectory tasks (OpenHands, SWE-agent, SWE-smith) with SWE-bench interop, math tasks (GSM8K, MATH500, AIME24, AMC23, Minerva, s1K, generic JSONL benchmarks,
 * a synthetic arithmetic curriculum) and step decomposers. Default export: the ContainerModule
 * that binds this package's plugins.
 */
import { pluginModule } from '@srl/core';
import { plugins } from './plugins';

export * from './math/index';
export * from './data/index';
export * from './swe/index';
export * from './swe/swe-env-index';
export { plugins };
export default pluginModule(plugins);
