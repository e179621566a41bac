/** The report of an `srl experiment` folder: results.md (the paper's table) and report.html. */
export { writeExperimentReport } from './write-experiment-report';
export { readExperiment, type Experiment, type ArmResult, type SeedResult, type EvalPoint, type ExperimentMeta } from './read-experiment';
export { resultsTable, type ResultsTable, type ResultRow, type ResultColumn } from './results-table';
export { resultsMarkdown } from './results-markdown';
export { buildExperimentReport } from './build-experiment-report';
export { spread, type Spread } from './spread';
