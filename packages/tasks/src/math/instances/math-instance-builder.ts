import { SrlError, type ChatMessage, type Example, type Instance, type InstanceKind } from '@srl/core';
import { buildEvalPrompt } from './build-eval-prompt';
import { buildStepInstances } from './build-step-instances';
import { buildWholeSolutionInstance } from './build-whole-solution-instance';
import { MATH_INSTANCE_DEFAULTS, type MathInstanceOptions } from './math-instance-options';

/**
 * Turns math examples into instances: 'srl' one per expert step, or one with the whole solution
 * (`srlMode`); 'sft' the whole solution or one per step (`sftMode`); 'rlvr' one with the gold answer
 * as reference.
 */
export class MathInstanceBuilder {
  readonly options: MathInstanceOptions;

  constructor(options: Partial<MathInstanceOptions> = {}) {
    this.options = { ...MATH_INSTANCE_DEFAULTS, ...options };
  }

  build(example: Example, kind: InstanceKind): Instance[] {
    const o = this.options;
    switch (kind) {
      case 'srl':
        return o.srlMode === 'whole'
          ? [buildWholeSolutionInstance(example, { kind, evalSystemPrompt: o.evalSystemPrompt, sftTarget: o.sftTarget })]
          : buildStepInstances(example, { kind, systemPrompt: o.systemPrompt, stepTitleInPrompt: o.stepTitleInPrompt, targetNumbering: o.targetNumbering });
      case 'sft':
        return o.sftMode === 'steps'
          ? buildStepInstances(example, { kind, systemPrompt: o.systemPrompt, stepTitleInPrompt: o.stepTitleInPrompt, targetNumbering: o.targetNumbering })
          : [buildWholeSolutionInstance(example, { kind, evalSystemPrompt: o.evalSystemPrompt, sftTarget: o.sftTarget })];
      case 'rlvr':
        return [buildWholeSolutionInstance(example, { kind, evalSystemPrompt: o.evalSystemPrompt, sftTarget: o.sftTarget })];
      default:
        throw new SrlError('validation', `unknown instance kind "${String(kind)}"; expected one of srl, sft, rlvr`);
    }
  }

  /** The evaluation prompt of an example (the paper's evaluation system prompt unless overridden). */
  evalPrompt(example: Example): ChatMessage[] {
    return buildEvalPrompt(example.problem, this.options.evalSystemPrompt);
  }
}
