/**
 * `@srl/core/base`: the error class and the seeded generator alone, without the plugin registry, the DI
 * container or the schemas (inversify, TypeBox and ajv), for code that must start fast: a policy's gradient
 * worker threads load only this from @srl/core (in source form under tsx that is 0.1 s against about 1 s for the
 * whole package). The same definitions as `@srl/core`'s; test errors with `isSrlError`, never `instanceof`.
 */
export * from './errors';
export * from './training/seeded-rng';
