// `bun bun.ts`: the app on Bun with a pool of 2 Web Workers; /thread tells where a blocking handler
// runs.

import { isMainThread, threadId } from 'node:worker_threads'
import { serve } from '@tandem/bun'
import { blocking } from '@tandem/core'
import { app } from './app.ts'

app.get(
  '/thread',
  blocking(function thread() {
    return { isMainThread, threadId, bun: Bun.version }
  }),
)

const server = await serve(app, { port: Number(process.env.PORT ?? 8000), pool: { size: 2 } })
if (server) console.log(`serving on ${server.url}`)
