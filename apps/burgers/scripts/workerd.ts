// `pnpm start:workerd`: bundles src/workerd.ts and serves it with the real workerd binary on
// 127.0.0.1:8787 (PORT to change), orders kept in .data/workerd (a Durable Object's SQLite).
// The Worker's compatibility flags include enable_request_signal (startWorkerd's default), so a
// request's ctx.signal aborts when its client disconnects; its logs are shown as they come (echo).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startWorkerd } from '@tandem/runtimes'

const root = join(import.meta.dirname, '..')
const storage = join(root, '.data', 'workerd')
mkdirSync(storage, { recursive: true })
const server = await startWorkerd(join(root, 'src', 'workerd.ts'), {
  durableObjects: { SHOP: 'Shop' },
  storage,
  port: Number(process.env.PORT ?? 8787),
  requestSignal: true,
  echo: true,
})
console.log(`[tandem] burger shop on workerd: ${server.url} (docs: ${server.url}/docs)`)
const stop = () => void server.stop().then(() => process.exit(0))
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
