import { join } from 'node:path'
import { startWorkerd } from '@tandem/runtimes'
import { runWebSocketSuite } from '@tandem/runtimes/websocket-suite'
import { describe, expect, it } from 'vitest'

runWebSocketSuite('workerd', () => startWorkerd(join(import.meta.dirname, 'fixtures', 'websocket.ts')), {
  describe,
  it,
  expect,
})
