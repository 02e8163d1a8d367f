import { describe, expect, it } from 'bun:test'
import { startProcess } from '@tandem/runtimes'
import { runWebSocketSuite } from '@tandem/runtimes/websocket-suite'

runWebSocketSuite(
  'bun',
  () => startProcess('bun', new URL('./fixtures/websocket.ts', import.meta.url).pathname),
  { describe, it, expect },
)
