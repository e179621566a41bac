/** SWE-bench interop: predictions for the official harness, and its reports read back. */
export { formatPredictions, type Prediction } from './format-predictions';
export { submittedPatch } from './submitted-patch';
export { readHarnessReport, parseHarnessReport, resolveRate, type HarnessReport, type TestResults } from './read-harness-report';
