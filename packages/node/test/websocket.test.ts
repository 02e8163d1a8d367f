import { startProcess } from '@tandem/runtimes'
import { runWebSocketSuite } from '@tandem/runtimes/websocket-suite'
import { describe, expect, it } from 'vitest'

runWebSocketSuite(
  'node',
  () => startProcess('node', new URL('./fixtures/websocket.ts', import.meta.url).pathname),
  { describe, it, expect },
)
