// The app of the several-event-loops tests (loops-suite.ts): which process answered, a blocking
// sleep to keep requests in flight, and a lifespan that can refuse to start.
import { App, blocking, HTTPException } from '@tandem/core'
import { z } from 'zod'

/** Sleeps on the pool's worker, then says which process it served. */
const sleep = blocking(function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  return process.pid
})

export const app = new App({
  docs: false,
  async *lifespan() {
    if (process.env.FAIL_START === '1') throw new Error('the database is down')
    yield {}
  },
})

app.get('/pid', {}, () => ({ pid: process.pid }))

app.get('/slow', { query: z.object({ ms: z.coerce.number().int().max(5000) }) }, async ({ query }) => {
  const pid = await sleep(query.ms)
  if (pid !== process.pid) throw new HTTPException(500, { message: 'the pool is not this loop’s' })
  return { pid }
})
