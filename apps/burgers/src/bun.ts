// Bun: `bun src/bun.ts` (PORT, BURGERS_DB and POOL_SIZE from the environment).
import { serve } from '@tandem/bun'
import { app } from './app.ts'

// Exported too, so `tandem dev src/bun.ts` and `tandem run src/bun.ts` serve it with the options below.
export { app }

await serve(app, {
  port: Number(process.env.PORT ?? 8000),
  pool: { size: Number(process.env.POOL_SIZE) || undefined, timeout: 30_000 },
})
