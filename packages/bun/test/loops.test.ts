import { afterEach, describe, expect, it } from 'bun:test'
import { runLoopsSuite } from '@tandem/runtimes/loops-suite'

runLoopsSuite('bun', new URL('./fixtures/loops.ts', import.meta.url).pathname, {
  describe,
  it,
  expect,
  afterEach,
})
