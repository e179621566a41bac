import { MATH_EVAL_SYSTEM_PROMPT, SRL_MATH_SYSTEM_PROMPT } from '../prompts';

/** How a math task turns an example into instances (every math task plugin accepts these options). */
export interface MathInstanceOptions {
  /** System prompt of step-wise instances (SRL, step-wise SFT). Default: the paper's training prompt. */
  systemPrompt: string;
  /** System prompt of whole-solution instances (RLVR, whole SFT, evaluation). Default: the paper's evaluation prompt. */
  evalSystemPrompt: string;
  /** SRL footnote 1: put step k's title in the prompt; the target is its body only. Needs titled steps. */
  stepTitleInPrompt: boolean;
  /**
   * The step-wise target: `numbered` (default) is step k as the context shows steps 1..k-1, `k. {step}`
   * (`2. **Title** body`, as the paper's Figure 3), so a model continuing in the context's style can score 1;
   * `bare` is the step without its number (`**Title** body`). With stepTitleInPrompt the target is the body
   * either way (the prompt already ends with `k. **Title**`).
   */
  targetNumbering: 'numbered' | 'bare';
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
  targetNumbering: 'numbered',
  sftMode: 'whole',
  sftTarget: 'steps',
  srlMode: 'steps',
};

/** JSON Schema properties of `MathInstanceOptions`, to spread into a task plugin's optionsSchema. */
export const MATH_INSTANCE_SCHEMA_PROPERTIES = {
  systemPrompt: { type: 'string' },
  evalSystemPrompt: { type: 'string' },
  stepTitleInPrompt: { type: 'boolean', description: "SRL footnote 1: step k's title in the prompt, its body the target" },
  targetNumbering: { type: 'string', enum: ['numbered', 'bare'], description: 'step-wise target: numbered "k. step" as the context shows steps (Figure 3), or bare "step"' },
  sftMode: { type: 'string', enum: ['whole', 'steps'] },
  sftTarget: { type: 'string', enum: ['steps', 'solution'] },
  srlMode: { type: 'string', enum: ['steps', 'whole'] },
} as const;
