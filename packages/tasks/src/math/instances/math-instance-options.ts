import { Default, schemaDefaults, StringEnum, Type, type PluginOptions } from '@srl/core';
import { MATH_EVAL_SYSTEM_PROMPT, SRL_MATH_SYSTEM_PROMPT } from '../prompts';

/** How a math task turns an example into instances (every math task plugin accepts these options), declared once. */
export const MATH_INSTANCE_SCHEMA_PROPERTIES = {
  /** System prompt of step-wise instances (SRL, step-wise SFT). Default: the paper's training prompt. */
  systemPrompt: Default(Type.String(), SRL_MATH_SYSTEM_PROMPT),
  /** System prompt of whole-solution instances (RLVR, whole SFT, evaluation). Default: the paper's evaluation prompt. */
  evalSystemPrompt: Default(Type.String(), MATH_EVAL_SYSTEM_PROMPT),
  /** SRL footnote 1: put step k's title in the prompt; the target is its body only. Needs titled steps. */
  stepTitleInPrompt: Default(Type.Boolean({ description: "SRL footnote 1: step k's title in the prompt, its body the target" }), false),
  /**
   * The step-wise target: `numbered` is step k as the context shows steps 1..k-1, `k. {step}`
   * (`2. **Title** body`, as the paper's Figure 3), so a model continuing in the context's style can score 1;
   * `bare` is the step without its number (`**Title** body`). With stepTitleInPrompt the target is the body
   * either way (the prompt already ends with `k. **Title**`).
   */
  targetNumbering: Default(
    StringEnum(['numbered', 'bare'], { description: 'step-wise target: numbered "k. step" as the context shows steps (Figure 3), or bare "step"' }),
    'numbered',
  ),
  /** SFT on the whole solution (one instance) or step-wise (one per step, same prompts as SRL). */
  sftMode: Default(StringEnum(['whole', 'steps']), 'whole'),
  /** Whole-solution SFT target: the decomposed steps renumbered plus a boxed answer, or the raw solution text. */
  sftTarget: Default(StringEnum(['steps', 'solution']), 'steps'),
  /**
   * SRL instances: one per expert step (`steps`), or one per problem (`whole`: the paper's one-step
   * ablation, scored with `solution-similarity`) with the whole-solution prompt and the whole expert solution,
   * rendered as the whole-solution SFT target (`sftTarget`), as reference.
   */
  srlMode: Default(StringEnum(['steps', 'whole']), 'steps'),
};

const mathInstanceSchema = Type.Object(MATH_INSTANCE_SCHEMA_PROPERTIES);
export type MathInstanceOptions = PluginOptions<typeof mathInstanceSchema>;
export const MATH_INSTANCE_DEFAULTS: MathInstanceOptions = schemaDefaults(mathInstanceSchema);
