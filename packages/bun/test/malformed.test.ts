import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { runMalformedSuite } from '@tandem/runtimes/malformed-suite'

// The malformed-request storm (tooling/runtimes/malformed.ts) against a real bun process. What
// Bun's own parser answers (400, 413, 431, 505: docs/runtimes/bun.md) is counted apart.
runMalformedSuite('bun', new URL('./fixtures/malformed.ts', import.meta.url).pathname, {
  describe,
  it,
  beforeAll,
  afterAll,
  expect,
})
