// serve(app, { scheduler }) in-process on Node and Bun: blocking functions run on the scheduler given,
// the start-up line names it, close() closes it, and scheduler with pool settings is refused.
import { App } from '@tandem/core'
import { InlineScheduler, type Scheduler, type ServeOptions, type TandemServer } from '@tandem/core/adapter'
import { z } from 'zod'

interface TestApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => Promise<void>, timeout?: number): void
  expect: (value: unknown) => any
}

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

/**
 * The cases, against the adapter's `serve` and `triple`, a call of a blocking function that
 * resolves to three times its argument (bun test runs every file in one process, so Bun's reuses
 * the scheduler suite's functions rather than declaring one).
 */
export function runSchedulerOptionSuite(
  serve: (app: App<any, any>, options: ServeOptions) => Promise<TandemServer | undefined>,
  triple: (n: number) => Promise<number>,
  { describe, it, expect }: TestApi,
): void {
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

    it("gives the scheduler's own description in the start-up line, read when serving starts", async () => {
      const lines: string[] = []
      const scheduler = new Counting()
      let workers = 0
      Object.assign(scheduler, { describe: () => `counting, ${workers} workers seen` })
      workers = 3
      const server = await serve(shop(), {
        port: 0,
        scheduler,
        handleSignals: false,
        watchdog: false,
        logger: { error() {}, warn() {}, info: (line) => lines.push(line) },
      })
      await server!.close()
      expect(lines).toContain("scheduler: counting, 3 workers seen (serve's scheduler option)")
    })

    it('refuses a scheduler and pool settings together, naming both', async () => {
      await expect(serve(shop(), { port: 0, scheduler: new Counting(), pool: { size: 1 } })).rejects.toThrow(
        /both scheduler and pool were given/,
      )
    })
  })
}
