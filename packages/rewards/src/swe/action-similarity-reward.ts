// SRL §5.1 with §4.2's reward, for SWE actions: step-similarity on the rendered call rewards a right
// command in another tool's clothing (`bash cat f` vs `str_replace_editor view f` share most
// characters). This reward parses both calls, scores `toolMismatchReward` (default 0) when the tools
// differ, and otherwise the difflib ratio of the arguments (each as `<parameter=KEY>VALUE</parameter>`,
// keys sorted, so argument order does not count). A completion whose format or call is malformed
// gets `formatPenalty` (default -1, the paper's).
import { DEFAULT_PARAMETER_TYPES, DEFAULT_TOOL_NAMES, definePlugin, parseAction, REWARD_SPEC_VERSION, SrlError, type RewardInput, type RewardModel, type RewardResult, type SweAction } from '@srl/core';
import { DEFAULT_SRL_OUTPUT_RULES, parseSrlOutput, type SrlOutputRules } from '../parsing/parse-srl-output';
import { SRL_OUTPUT_RULES_SCHEMA_PROPERTIES } from '../parsing/srl-output-rules-schema';
import { SimilarityIndex } from '../similarity/similarity-index';

export interface ActionSimilarityOptions extends SrlOutputRules {
  /** `think-then-step`: `<think>...</think>` then the call; `plain`: the whole completion is the call. */
  format: 'think-then-step' | 'plain';
  /** Reward when the tools differ (default 0). */
  toolMismatchReward: number;
  /** Reward of a completion that breaks the format or holds no well-formed call (default -1). */
  formatPenalty: number;
  /** `model-first`: SequenceMatcher(None, model, expert) (default); `expert-first`: the reverse. */
  order: 'model-first' | 'expert-first';
  autojunk: boolean;
  /** Source → canonical tool names applied to both calls (default: execute_bash → bash, finish → submit). */
  toolNames: Record<string, string>;
}

export const ACTION_SIMILARITY_DEFAULTS: ActionSimilarityOptions = {
  ...DEFAULT_SRL_OUTPUT_RULES,
  // A call's file text may hold numbered lines; they are not a second step.
  singleStep: false,
  format: 'think-then-step',
  toolMismatchReward: 0,
  formatPenalty: -1,
  order: 'model-first',
  autojunk: true,
  toolNames: { ...DEFAULT_TOOL_NAMES },
};

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
        throw new SrlError('validation', `action-similarity: row ${row} has no reference (the expert's rendered call); use it with the swe/* tasks' step instances`);
      }
      let expert = experts.get(input.reference);
      if (!expert) {
        let action: SweAction;
        try {
          action = parseAction(input.reference, parseOptions);
        } catch (error) {
          throw new SrlError('validation', `action-similarity: row ${row}: the reference is not a well-formed call (${(error as Error).message}); references must be rendered actions`);
        }
        expert = { action, index: o.order === 'model-first' ? new SimilarityIndex(argumentText(action), { autojunk: o.autojunk }) : null };
        experts.set(input.reference, expert);
      }
      const model = this.modelAction(input.completion);
      if (!model) return { reward: o.formatPenalty, components: { similarity: null, tool_match: null, format_ok: 0 } };
      if (model.tool !== expert.action.tool) return { reward: o.toolMismatchReward, components: { similarity: null, tool_match: 0, format_ok: 1 } };
      const similarity = expert.index ? expert.index.ratio(argumentText(model)) : new SimilarityIndex(argumentText(model), { autojunk: o.autojunk }).ratio(argumentText(expert.action));
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
export const actionSimilarityPlugin = definePlugin<'reward', ActionSimilarityOptions>({
  kind: 'reward',
  name: 'action-similarity',
  description: 'SWE step reward: 0 when the tool differs from the expert\'s, else the difflib ratio of the arguments; formatPenalty for a malformed call',
  optionsSchema: {
    type: 'object',
    properties: {
      format: { type: 'string', enum: ['think-then-step', 'plain'] },
      toolMismatchReward: { type: 'number', description: 'reward when the tool differs from the expert\'s' },
      formatPenalty: { type: 'number', description: 'reward of a malformed completion or call' },
      order: { type: 'string', enum: ['model-first', 'expert-first'] },
      autojunk: { type: 'boolean' },
      toolNames: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
      ...SRL_OUTPUT_RULES_SCHEMA_PROPERTIES,
    },
    additionalProperties: false,
  },
  defaults: ACTION_SIMILARITY_DEFAULTS,
  create(options) {
    return new ActionSimilarityReward(options);
  },
});
