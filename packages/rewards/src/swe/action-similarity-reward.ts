// SRL §5.1 with §4.2's reward, for SWE actions: step-similarity on the rendered call rewards a right
// command in another tool's clothing (`bash cat f` vs `str_replace_editor view f` share most
// characters). This reward parses both calls, scores `toolMismatchReward` (default 0) when the tools
// differ, and otherwise the difflib ratio of the arguments (each as `<parameter=KEY>VALUE</parameter>`,
// keys sorted, so argument order does not count). A completion whose format or call is malformed
// gets `formatPenalty` (default -1, the paper's).
import {
  Default,
  DEFAULT_PARAMETER_TYPES,
  DEFAULT_TOOL_NAMES,
  definePlugin,
  parseAction,
  REWARD_SPEC_VERSION,
  schemaDefaults,
  SrlError,
  StringEnum,
  Type,
  withDefaults,
  type PluginOptions,
  type RewardInput,
  type RewardModel,
  type RewardResult,
  type SweAction,
} from '@srl/core';
import { parseSrlOutput } from '../parsing/parse-srl-output';
import { SRL_OUTPUT_RULES_SCHEMA_PROPERTIES } from '../parsing/srl-output-rules-schema';
import { SimilarityIndex } from '../similarity/similarity-index';

/** action-similarity's options, declared once. */
export const actionSimilarityOptions = withDefaults(
  Type.Object(
    {
      /** `think-then-step`: `<think>...</think>` then the call; `plain`: the whole completion is the call. */
      format: Default(StringEnum(['think-then-step', 'plain']), 'think-then-step'),
      toolMismatchReward: Default(Type.Number({ description: "reward when the tool differs from the expert's" }), 0),
      formatPenalty: Default(Type.Number({ description: 'reward of a malformed completion or call' }), -1),
      /** `model-first`: SequenceMatcher(None, model, expert); `expert-first`: the reverse. */
      order: Default(StringEnum(['model-first', 'expert-first']), 'model-first'),
      autojunk: Default(Type.Boolean(), true),
      /** Source → canonical tool names applied to both calls. */
      toolNames: Default(Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string', minLength: 1 } }), {
        ...DEFAULT_TOOL_NAMES,
      }),
      ...SRL_OUTPUT_RULES_SCHEMA_PROPERTIES,
    },
    { additionalProperties: false },
  ),
  // A call's file text may hold numbered lines; they are not a second step.
  { singleStep: false },
);
export type ActionSimilarityOptions = PluginOptions<typeof actionSimilarityOptions>;
export const ACTION_SIMILARITY_DEFAULTS: ActionSimilarityOptions = schemaDefaults(actionSimilarityOptions);

/** The arguments as compared: one `<parameter=KEY>VALUE</parameter>` line per key, keys sorted. */
export function argumentText(action: SweAction): string {
  return Object.keys(action.args)
    .sort()
    .map((key) => {
      const value = action.args[key];
      return `<parameter=${key}>${typeof value === 'string' ? value : JSON.stringify(value)}</parameter>\n`;
    })
    .join('');
}

/** Components: `similarity` (null when not compared), `tool_match` (1/0, null on a format error), `format_ok`. */
export class ActionSimilarityReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'action-similarity';
  private readonly options: ActionSimilarityOptions;

  constructor(options: Partial<ActionSimilarityOptions> = {}) {
    this.options = { ...ACTION_SIMILARITY_DEFAULTS, ...options };
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    const o = this.options;
    const parseOptions = { toolNames: o.toolNames, parameterTypes: DEFAULT_PARAMETER_TYPES };
    const experts = new Map<string, { action: SweAction; index: SimilarityIndex | null }>();
    return inputs.map((input, row): RewardResult => {
      if (typeof input?.reference !== 'string') {
        throw new SrlError(
          'validation',
          `action-similarity: row ${row} has no reference (the expert's rendered call); use it with the swe/* tasks' step instances`,
        );
      }
      let expert = experts.get(input.reference);
      if (!expert) {
        let action: SweAction;
        try {
          action = parseAction(input.reference, parseOptions);
        } catch (error) {
          throw new SrlError(
            'validation',
            `action-similarity: row ${row}: the reference is not a well-formed call (${(error as Error).message}); references must be rendered actions`,
          );
        }
        expert = { action, index: o.order === 'model-first' ? new SimilarityIndex(argumentText(action), { autojunk: o.autojunk }) : null };
        experts.set(input.reference, expert);
      }
      const model = this.modelAction(input.completion);
      if (!model) return { reward: o.formatPenalty, components: { similarity: null, tool_match: null, format_ok: 0 } };
      if (model.tool !== expert.action.tool) return { reward: o.toolMismatchReward, components: { similarity: null, tool_match: 0, format_ok: 1 } };
      const similarity = expert.index
        ? expert.index.ratio(argumentText(model))
        : new SimilarityIndex(argumentText(model), { autojunk: o.autojunk }).ratio(argumentText(expert.action));
      return { reward: similarity, components: { similarity, tool_match: 1, format_ok: 1 } };
    });
  }

  private modelAction(completion: unknown): SweAction | null {
    if (typeof completion !== 'string') throw new SrlError('validation', `action-similarity: completion must be a string, got ${typeof completion}`);
    let text: string = completion;
    if (this.options.format === 'think-then-step') {
      const parsed = parseSrlOutput(completion, this.options);
      if (!parsed.ok) return null;
      text = parsed.action;
    }
    try {
      return parseAction(text, { toolNames: this.options.toolNames, parameterTypes: DEFAULT_PARAMETER_TYPES });
    } catch {
      return null;
    }
  }
}

/** The `action-similarity` reward plugin. */
export const actionSimilarityPlugin = definePlugin({
  kind: 'reward',
  name: 'action-similarity',
  description: "SWE step reward: 0 when the tool differs from the expert's, else the difflib ratio of the arguments; formatPenalty for a malformed call",
  options: actionSimilarityOptions,
  create(options) {
    return new ActionSimilarityReward(options);
  },
});
