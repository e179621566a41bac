/** @srl/cli: the `srl` command. */
export { main, buildProgram } from './main';
export { ConsoleLogger } from './console-logger';
export { createPluginEnvironment } from './plugin-environment';
