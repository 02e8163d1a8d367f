import { serve } from '@tandem/node'
import { app } from './app.ts'

await serve(app, { port: Number(process.env.PORT ?? 8000), pool: { size: 2 } })
