/** @srl/core/testing: conformance suites for plugin authors. */
export * from './reward-conformance';
export * from './quiet-logger';
export * from './check-expert-steps';
