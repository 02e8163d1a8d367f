import { blocking } from '@tandem/core'
import { serve } from '@tandem/node'
import { runSchedulerOptionSuite } from '@tandem/runtimes/scheduler-option-suite'
import { describe, expect, it } from 'vitest'

const triple = blocking(function triple(n: number) {
  return n * 3
})

runSchedulerOptionSuite(serve, triple, { describe, it, expect })
