import { App, blocking } from '@tandem/core'
import { InlineScheduler, type Scheduler } from '@tandem/core/adapter'
import { serve } from '@tandem/node'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

const triple = blocking(function triple(n: number) {
  return n * 3
})

/** A scheduler of the user's own: inline, counting its calls and whether it was closed. */
class Counting implements Scheduler {
  readonly name = 'counting'
  calls = 0
  closed = false
  readonly #inner = new InlineScheduler()
  run(...args: Parameters<Scheduler['run']>) {
    this.calls++
    return this.#inner.run(...args)
  }
  stats() {
    return this.#inner.stats()
  }
  async close() {
    this.closed = true
  }
}

function shop() {
  const app = new App({ docs: false })
  app.get('/triple/:n', { params: { n: z.number() } }, async ({ params }) => ({
    value: await triple(params.n),
  }))
  return app
}

describe("serve(app, { scheduler }): blocking functions on a scheduler of one's own", () => {
  it('runs them there, says so at start-up, and closes it with the server', async () => {
    const lines: string[] = []
    const scheduler = new Counting()
    const server = await serve(shop(), {
      port: 0,
      scheduler,
      handleSignals: false,
      watchdog: false,
      logger: { error() {}, warn() {}, info: (line) => lines.push(line) },
    })
    try {
      const answer = await fetch(`${server!.url}/triple/4`)
      expect(await answer.json()).toEqual({ value: 12 })
      expect(scheduler.calls).toBe(1)
      expect(lines).toContain("scheduler: counting (serve's scheduler option)")
      expect(server!.scheduler).toBe(scheduler)
    } finally {
      await server!.close()
    }
    expect(scheduler.closed).toBe(true)
  })

  it('refuses a scheduler and pool settings together, naming both', async () => {
    await expect(serve(shop(), { port: 0, scheduler: new Counting(), pool: { size: 1 } })).rejects.toThrow(
      /both scheduler and pool were given/,
    )
  })
})
