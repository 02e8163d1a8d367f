export { REF } from '../execution/scheduler.ts'
export { type SchedulerSuiteFunctions, schedulerSuiteFunctions } from './functions.ts'
export {
  addCell,
  awaitCell,
  loadCell,
  type ProbeCells,
  type SuiteProbe,
  type SuiteProbeKind,
  storeCell,
  suiteProbe,
  waitCell,
} from './probe.ts'
export { runSchedulerSuite } from './scheduler-suite.ts'
export { snapshot } from './suite-helpers.ts'
export type { SchedulerSuiteOptions, TestApi } from './suite-options.ts'
