/**
 * The SWE-agent XML action form (render, parse, tool-name mapping). It lives in @srl/core because
 * readers (here), environments and the `action-similarity` reward all need it and packages may
 * depend only on core.
 */
export {
  renderAction,
  parseAction,
  canonicalToolName,
  DEFAULT_TOOL_NAMES,
  DEFAULT_PARAMETER_TYPES,
  type ParameterType,
  type ActionXmlOptions,
} from '@srl/core';
