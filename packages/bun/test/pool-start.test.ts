import { describe, expect, it } from 'bun:test'
import { createBunPool } from '@tandem/bun'
import { runPoolStartSuite } from '@tandem/runtimes/pool-start-suite'
// Their blocking functions, registered here too: the workers' fingerprint must match this thread's.
import './fixtures/suite-entry.ts'

const entry = new URL('./fixtures/slow-suite-entry.ts', import.meta.url)

runPoolStartSuite('Bun Web Worker pool', (size) => createBunPool(entry, { size, nice: 0 }), {
  describe,
  it,
  expect,
})
