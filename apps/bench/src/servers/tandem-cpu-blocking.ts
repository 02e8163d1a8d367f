// Tandem with ~5 ms of CPU in a blocking() handler: it runs on @tandem/node's worker pool (one
// thread per core by default), never on the event loop, so /health stays fast.
import { pbkdf2Sync } from 'node:crypto'
import { App, blocking } from '@tandem/core'
import { serveTandem } from './tandem-serve.ts'

const app = new App()
app.get('/health', () => ({ status: 'ok' }))
app.get(
  '/work',
  blocking(() => ({ hash: pbkdf2Sync('password', 'salt', 29000, 32, 'sha256').toString('hex') })),
)

await serveTandem(app)
