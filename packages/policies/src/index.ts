/**
 * @srl/policies. Default export: the ContainerModule that binds this package's plugins.
 */
import { pluginModule } from '@srl/core';
import { plugins } from './plugins';

export { plugins };
export default pluginModule(plugins);
