// `node node.ts`: the app on Node with a pool of 2 worker threads; /thread tells where a blocking
// handler runs.

import { isMainThread, threadId } from 'node:worker_threads'
import { blocking } from '@tandem/core'
import { serve } from '@tandem/node'
import { app } from './app.ts'

app.get(
  '/thread',
  blocking(function thread() {
    return { isMainThread, threadId }
  }),
)

const server = await serve(app, { port: Number(process.env.PORT ?? 8000), pool: { size: 2 } })
if (server) console.log(`serving on ${server.url}`)
