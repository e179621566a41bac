import { availableParallelism } from 'node:os';
import { createAjv } from '@srl/core';
import { describe, expect, it } from 'vitest';
import { tfjsTransformerPlugin } from '../tfjs-transformer-plugin';
import { resolveWorkers } from './resolve-workers';

describe('resolveWorkers', () => {
  it("defaults to 1, takes a count as given, and makes 'auto' the cores on single-threaded backends", () => {
    expect(resolveWorkers(undefined, 'wasm')).toBe(1);
    expect(resolveWorkers(3, 'wasm')).toBe(3);
    expect(resolveWorkers('auto', 'wasm')).toBe(availableParallelism());
    expect(resolveWorkers('auto', 'tensorflow')).toBe(1);
    expect(() => resolveWorkers(0, 'wasm')).toThrow(/workers 0, expected an integer >= 1 or 'auto'/);
  });

  it('is declared in the policy schema: an integer >= 1 or "auto"', () => {
    const workers = (tfjsTransformerPlugin.optionsSchema as unknown as { properties: Record<string, unknown> }).properties.workers;
    expect(JSON.parse(JSON.stringify(workers))).toEqual({
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', enum: ['auto'] },
      ],
      description: expect.any(String),
    });
    const validate = createAjv().compile(tfjsTransformerPlugin.optionsSchema);
    for (const ok of [1, 2, 'auto']) expect(validate({ workers: ok }), String(ok)).toBe(true);
    for (const bad of [0, 1.5, 'all']) expect(validate({ workers: bad }), String(bad)).toBe(false);
  });
});
