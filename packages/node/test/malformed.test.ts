import { runMalformedSuite } from '@tandem/runtimes/malformed-suite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The malformed-request storm (tooling/runtimes/malformed.ts) against a real node process. What
// Node's own parser answers (400, 431, and the server's 417 for an unknown Expect) is counted apart.
runMalformedSuite('node', new URL('./fixtures/malformed.ts', import.meta.url).pathname, {
  describe,
  it,
  beforeAll,
  afterAll,
  expect,
})
