import { afterEach, describe, expect, it } from 'vitest'
import { runSchedulerSuite, schedulerSuiteFunctions } from '../testing/index.ts'
import { InlineScheduler } from './inline.ts'

runSchedulerSuite(
  'inline',
  { functions: schedulerSuiteFunctions(), threads: false, create: async () => new InlineScheduler() },
  { describe, it, expect, afterEach },
)
