export { type SchedulerSuiteFunctions, schedulerSuiteFunctions } from './functions.ts'
export { runSchedulerSuite, type SchedulerSuiteOptions } from './scheduler-suite.ts'
