import { describe, expect, it } from 'bun:test'
import { serve } from '@tandem/bun'
import { App } from '@tandem/core'
import { InlineScheduler, type Scheduler } from '@tandem/core/adapter'
import { z } from 'zod'
// bun test runs every file in one process, whose pools seal the blocking registry: this file uses
// the scheduler suite's functions rather than declaring one of its own.
import { functions } from './fixtures/suite-entry.ts'

const triple = async (n: number) => (await functions.echo(n * 3)) as number

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
