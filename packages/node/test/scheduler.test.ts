import { runSchedulerSuite } from '@tandem/core/testing'
import { createNodePool } from '@tandem/node'
import { afterEach, describe, expect, it } from 'vitest'
import { functions } from './fixtures/suite-entry.ts'

const entry = new URL('./fixtures/suite-entry.ts', import.meta.url)

runSchedulerSuite(
  'Node worker_threads pool',
  {
    functions,
    threads: true,
    create: async (options) => {
      const pool = createNodePool(entry, options)
      await pool.start()
      return pool
    },
  },
  { describe, it, expect, afterEach },
)
