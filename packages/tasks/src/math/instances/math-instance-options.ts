import { MATH_EVAL_SYSTEM_PROMPT, SRL_MATH_SYSTEM_PROMPT } from '../prompts';

/** How a math task turns an example into instances (every math task plugin accepts these options). */
export interface MathInstanceOptions {
  /** System prompt of step-wise instances (SRL, step-wise SFT). Default: the paper's training prompt. */
  systemPrompt: string;
  /** System prompt of whole-solution instances (RLVR, whole SFT, evaluation). Default: the paper's evaluation prompt. */
  evalSystemPrompt: string;
  /** SRL footnote 1: put step k's title in the prompt; the target is its body only. Needs titled steps. */
  stepTitleInPrompt: boolean;
  /** SFT on the whole solution (one instance) or step-wise (one per step, same prompts as SRL). */
  sftMode: 'whole' | 'steps';
  /** Whole-solution SFT target: the decomposed steps renumbered plus a boxed answer, or the raw solution text. */
  sftTarget: 'steps' | 'solution';
  /**
   * SRL instances: one per expert step (`steps`, default), or one per problem (`whole`: the paper's one-step
   * ablation, scored with `solution-similarity`) with the whole-solution prompt and the whole expert solution,
   * rendered as the whole-solution SFT target (`sftTarget`), as reference.
   */
  srlMode: 'steps' | 'whole';
}

export const MATH_INSTANCE_DEFAULTS: MathInstanceOptions = {
  systemPrompt: SRL_MATH_SYSTEM_PROMPT,
  evalSystemPrompt: MATH_EVAL_SYSTEM_PROMPT,
  stepTitleInPrompt: false,
  sftMode: 'whole',
  sftTarget: 'steps',
  srlMode: 'steps',
};

/** JSON Schema properties of `MathInstanceOptions`, to spread into a task plugin's optionsSchema. */
export const MATH_INSTANCE_SCHEMA_PROPERTIES = {
  systemPrompt: { type: 'string' },
  evalSystemPrompt: { type: 'string' },
  stepTitleInPrompt: { type: 'boolean' },
  sftMode: { type: 'string', enum: ['whole', 'steps'] },
  sftTarget: { type: 'string', enum: ['steps', 'solution'] },
  srlMode: { type: 'string', enum: ['steps', 'whole'] },
} as const;

/** JSON Schema of a plugin reference: `"name"`, `["name"]` or `["name", { options }]` (decomposer, evalReward). */
export const PLUGIN_REF_SCHEMA = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', minItems: 1, maxItems: 2, items: [{ type: 'string' }, { type: 'object' }] },
  ],
} as const;
