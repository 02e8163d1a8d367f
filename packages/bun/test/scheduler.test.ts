import { afterEach, describe, expect, it } from 'bun:test'
import { createBunPool } from '@tandem/bun'
import { runSchedulerSuite } from '@tandem/core/testing'
import { functions } from './fixtures/suite-entry.ts'

const entry = new URL('./fixtures/suite-entry.ts', import.meta.url)

runSchedulerSuite(
  'Bun Web Worker pool',
  {
    functions,
    threads: true,
    create: async (options) => {
      const pool = createBunPool(entry, options)
      await pool.start()
      return pool
    },
  },
  { describe, it, expect, afterEach },
)
