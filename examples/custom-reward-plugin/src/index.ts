/**
 * srl-plugin-token-f1: a third-party reward plugin for srl. The default export is the inversify
 * ContainerModule that srl loads when a recipe lists this package under "plugins".
 */
import { pluginModule } from '@srl/core';
import { tokenF1Plugin } from './token-f1-reward';

export { tokenF1, tokenize, tokenF1Plugin, type TokenF1Options } from './token-f1-reward';
export default pluginModule([tokenF1Plugin]);
