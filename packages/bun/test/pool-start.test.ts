import { describe, expect, it } from 'bun:test'
import { createBunPool } from '@tandem/bun'
import { runPoolStartSuite } from '@tandem/runtimes/pool-start-suite'

runPoolStartSuite('Bun Web Worker pool', (entry, size) => createBunPool(entry, { size, nice: 0 }), {
  describe,
  it,
  expect,
})
