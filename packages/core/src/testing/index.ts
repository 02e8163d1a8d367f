export { type SchedulerSuiteFunctions, schedulerSuiteFunctions } from './functions.ts'
export { runSchedulerSuite, type SchedulerSuiteOptions, type TestApi } from './scheduler-suite.ts'
