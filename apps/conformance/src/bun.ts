import { serve } from '@tandem/bun'
import { app } from './app.ts'

await serve(app, { port: Number(process.env.PORT ?? 8000), pool: { size: 2 } })
