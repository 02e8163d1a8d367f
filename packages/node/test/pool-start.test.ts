import { createNodePool } from '@tandem/node'
import { runPoolStartSuite } from '@tandem/runtimes/pool-start-suite'
import { describe, expect, it } from 'vitest'

runPoolStartSuite('Node worker_threads pool', (entry, size) => createNodePool(entry, { size, nice: 0 }), {
  describe,
  it,
  expect,
})
