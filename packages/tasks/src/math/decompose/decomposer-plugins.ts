import { definePlugin, Type, type AnyPluginDefinition } from '@srl/core';
import { Gsm8kLinesDecomposer, gsm8kLinesOptions } from './gsm8k-lines-decomposer';
import { NumberedDecomposer, numberedOptions } from './numbered-decomposer';
import { ParagraphDecomposer } from './paragraph-decomposer';

export const gsm8kLinesDecomposerPlugin = definePlugin({
  kind: 'decomposer',
  name: 'gsm8k-lines',
  description: 'GSM8K solutions: one step per line, the "#### x" line is the answer; calculator annotations <<...>> stripped or kept',
  options: gsm8kLinesOptions,
  create: (options) => new Gsm8kLinesDecomposer(options),
});

export const numberedDecomposerPlugin = definePlugin({
  kind: 'decomposer',
  name: 'numbered',
  description: 'The SRL paper\'s "1. **Title** action" format (optionally after "SOLUTION:"); non-conforming solutions are dropped',
  options: numberedOptions,
  create: (options) => new NumberedDecomposer(options),
});

export const paragraphDecomposerPlugin = definePlugin({
  kind: 'decomposer',
  name: 'paragraphs',
  description: 'Fallback: one step per blank-line separated paragraph',
  options: Type.Object({}, { additionalProperties: false }),
  create: () => new ParagraphDecomposer(),
});

/** The step decomposers of the math tasks. */
export const decomposerPlugins: AnyPluginDefinition[] = [gsm8kLinesDecomposerPlugin, numberedDecomposerPlugin, paragraphDecomposerPlugin];
