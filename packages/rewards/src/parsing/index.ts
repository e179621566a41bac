export {
  parseSrlOutput,
  DEFAULT_SRL_OUTPUT_RULES,
  DEFAULT_STEP_HEADER_PATTERN,
  type ParsedSrlOutput,
  type SrlFormatError,
  type SrlOutputRules,
} from './parse-srl-output';
