import { definePlugin, type AnyPluginDefinition } from '@srl/core';
import { Gsm8kLinesDecomposer, type Gsm8kLinesOptions } from './gsm8k-lines-decomposer';
import { NumberedDecomposer, type NumberedOptions } from './numbered-decomposer';
import { ParagraphDecomposer } from './paragraph-decomposer';

export const gsm8kLinesDecomposerPlugin = definePlugin<'decomposer', Gsm8kLinesOptions>({
  kind: 'decomposer',
  name: 'gsm8k-lines',
  description: 'GSM8K solutions: one step per line, the "#### x" line is the answer; calculator annotations <<...>> stripped or kept',
  optionsSchema: {
    type: 'object',
    properties: { annotations: { type: 'string', enum: ['strip', 'keep'] } },
    additionalProperties: false,
  },
  defaults: { annotations: 'strip' },
  create: (options) => new Gsm8kLinesDecomposer(options),
});

export const numberedDecomposerPlugin = definePlugin<'decomposer', NumberedOptions>({
  kind: 'decomposer',
  name: 'numbered',
  description: 'The SRL paper\'s "1. **Title** action" format (optionally after "SOLUTION:"); non-conforming solutions are dropped',
  optionsSchema: {
    type: 'object',
    properties: { requireHeader: { type: 'boolean' }, requireBody: { type: 'boolean' } },
    additionalProperties: false,
  },
  defaults: { requireHeader: false, requireBody: true },
  create: (options) => new NumberedDecomposer(options),
});

export const paragraphDecomposerPlugin = definePlugin<'decomposer', Record<string, never>>({
  kind: 'decomposer',
  name: 'paragraphs',
  description: 'Fallback: one step per blank-line separated paragraph',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
  defaults: {},
  create: () => new ParagraphDecomposer(),
});

/** The step decomposers of the math tasks. */
export const decomposerPlugins: AnyPluginDefinition[] = [gsm8kLinesDecomposerPlugin, numberedDecomposerPlugin, paragraphDecomposerPlugin];
