import { Default, StringEnum, STEP_HEADER_PATTERN, Type, type PluginOptions } from '@srl/core';

/** The SRL output rules, declared once (schema, type, defaults); spread into the step rewards' options. */
export const SRL_OUTPUT_RULES_SCHEMA_PROPERTIES = {
  /** When false, a completion with no think tags at all is all action. */
  requireThink: Default(Type.Boolean({ description: 'a <think>...</think> block is required' }), true),
  /**
   * The prompt already ends with `<think>` (DeepSeek-R1-style chat templates), so the completion starts inside the
   * monologue and only `</think>` is expected; a leading `<think>` is still tolerated.
   */
  thinkOpenInPrompt: Default(Type.Boolean({ description: 'the prompt ends with <think>: the completion starts inside the monologue' }), false),
  /** Text other than whitespace before `<think>`: false makes it a format error. */
  allowTextBeforeThink: Default(Type.Boolean({ description: 'accept text before <think>' }), false),
  /**
   * `<solution>...</solution>` around the step: `optional` unwraps it when present; `required` rejects a step
   * without it; `forbidden` rejects a step containing the tags.
   */
  solutionWrapper: Default(StringEnum(['optional', 'required', 'forbidden'], { description: '<solution>...</solution> around the step' }), 'optional'),
  /** False: an empty action is a format error. */
  allowEmptyStep: Default(Type.Boolean({ description: 'accept an empty step' }), false),
  /**
   * Reject a completion holding more than one step: a line other than the step's first non-empty line that matches
   * `stepHeaderPattern` starts another step. Lines inside a tool call's parameter value (SWE-agent's XML form,
   * `<parameter=KEY>VALUE</parameter>`, the SWE step) are the call's data, never a step header.
   */
  singleStep: Default(Type.Boolean({ description: 'reject a second step header line' }), true),
  /**
   * Source of the regular expression (tested per line, flag `i`) of a line that starts a step. The default is the
   * tasks' own step-header format, `STEP_HEADER_PATTERN` of @srl/core: an unindented `k.` followed by whitespace or
   * the end of the line (`2. **Title**`). The decomposers never put such a line inside a step, so an expert step
   * copied verbatim is one step; indented sub-lists (`   2. case`), `Step 2:` lines, `2)` items, `3.5 cm` are text.
   * A task whose steps have another header format says so here.
   */
  stepHeaderPattern: Default(
    Type.String({
      minLength: 1,
      description: "regular expression (flag i) of a line that starts a step; default: the tasks' step header, an unindented k. line",
    }),
    STEP_HEADER_PATTERN,
  ),
};

export const srlOutputRulesSchema = Type.Object(SRL_OUTPUT_RULES_SCHEMA_PROPERTIES);

/** How strictly to read an SRL completion. Every field has a default (see `DEFAULT_SRL_OUTPUT_RULES`). */
export type SrlOutputRules = PluginOptions<typeof srlOutputRulesSchema>;
