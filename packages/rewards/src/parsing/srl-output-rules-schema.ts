/** JSON Schema properties of the SRL output rules (`SrlOutputRules`), shared by the step rewards' options. */
export const SRL_OUTPUT_RULES_SCHEMA_PROPERTIES = {
  requireThink: { type: 'boolean', description: 'a <think>...</think> block is required' },
  thinkOpenInPrompt: { type: 'boolean', description: 'the prompt ends with <think>: the completion starts inside the monologue' },
  allowTextBeforeThink: { type: 'boolean', description: 'accept text before <think>' },
  solutionWrapper: { type: 'string', enum: ['optional', 'required', 'forbidden'], description: '<solution>...</solution> around the step' },
  allowEmptyStep: { type: 'boolean', description: 'accept an empty step' },
  singleStep: { type: 'boolean', description: 'reject a second step header line' },
  stepHeaderPattern: { type: 'string', minLength: 1, description: "regular expression (flag i) of a line that starts a step; default: the tasks' step header, an unindented k. line" },
} as const;
