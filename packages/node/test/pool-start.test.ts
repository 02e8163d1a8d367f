import { createNodePool } from '@tandem/node'
import { runPoolStartSuite } from '@tandem/runtimes/pool-start-suite'
import { describe, expect, it } from 'vitest'
// Its blocking function, registered here too: the workers' fingerprint must match this thread's.
import '@tandem/runtimes/slow-load-app'

const entry = new URL(import.meta.resolve('@tandem/runtimes/slow-load-app'))

runPoolStartSuite('Node worker_threads pool', (size) => createNodePool(entry, { size, nice: 0 }), {
  describe,
  it,
  expect,
})
