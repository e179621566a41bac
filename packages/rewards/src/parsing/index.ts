export {
  parseSrlOutput,
  DEFAULT_SRL_OUTPUT_RULES,
  DEFAULT_STEP_HEADER_PATTERN,
  type ParsedSrlOutput,
  type SrlFormatError,
  type SrlOutputRules,
} from './parse-srl-output';
export { SRL_OUTPUT_RULES_SCHEMA_PROPERTIES } from './srl-output-rules-schema';
