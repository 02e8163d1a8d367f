// Node: `node src/node.ts` (PORT, BURGERS_DB and POOL_SIZE from the environment).
import { serve } from '@tandem/node'
import { app } from './app.ts'

// Exported too, so `tandem dev src/node.ts` and `tandem run src/node.ts` serve it with the options below.
export { app }

await serve(app, {
  port: Number(process.env.PORT ?? 8000),
  pool: { size: Number(process.env.POOL_SIZE) || undefined, timeout: 30_000 },
})
