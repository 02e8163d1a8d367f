// A worker's pool threads publish their answers to the scheduler themselves, on NATS connections of
// their own (thread.ts): counted here on nats-server's monitoring endpoint, with the answers that
// must still go through the worker's event loop (errors, results over max_payload) and a mix of
// both in flight at once, where every call gets its own answer exactly once. Run by vitest (Node,
// test/direct.test.ts) and bun test (bun/direct.test.ts).
import { blockingInfo } from '@tandem/core/adapter'
import { REF, snapshot } from '@tandem/core/testing'
import { type NatsScheduler, natsScheduler } from '@tandem/nats'
import { type NatsServer, startNatsServer } from '@tandem/runtimes/nats-server'
import { functions as f, extra as x } from './fixtures/faults-entry.ts'
import { killWorkers, newSubject, quiet, startWorker, type WorkerProcess } from './fleet.ts'

type Fn = (...args: any[]) => any
/** The test runner's functions (vitest's or bun:test's). */
export interface Runner {
  describe: Fn
  it: Fn
  expect: Fn
  beforeAll: Fn
  afterAll: Fn
}

/** The cases, on the runtime running them (worker processes too). */
export function directCases(t: Runner): void {
  const entry = new URL('./fixtures/faults-entry.ts', import.meta.url).pathname

  let server: NatsServer
  let worker: WorkerProcess
  let s: NatsScheduler

  /** Messages published by the worker's thread connections and by its own, per nats-server. */
  async function published(): Promise<{ threads: number; worker: number; threadConnections: number }> {
    const response = await fetch(`${server.monitorUrl}/connz?limit=1024`)
    const { connections } = (await response.json()) as {
      connections: { name?: string; in_msgs: number }[]
    }
    const mine = connections.filter((c) => c.name?.endsWith(`:${worker.pid} thread`))
    const main = connections.find((c) => c.name?.endsWith(`:${worker.pid}`))
    return {
      threads: mine.reduce((sum, c) => sum + c.in_msgs, 0),
      worker: main?.in_msgs ?? 0,
      threadConnections: mine.length,
    }
  }

  t.beforeAll(async () => {
    server = await startNatsServer()
    const subject = newSubject()
    worker = startWorker(entry, server.url, subject, 2)
    s = await natsScheduler({ servers: server.url, subject, discover: 0, logger: quiet })
    await s.waitForWorkers(1, 30_000)
  }, 60_000)

  t.afterAll(async () => {
    await s?.terminate()
    await killWorkers()
    await server?.stop()
  })

  t.describe('answers published by the worker threads', () => {
    t.it(
      'each thread has its own connection, and plain calls and request steps are answered from it',
      async () => {
        const before = await published()
        t.expect(before.threadConnections).toBe(2)
        for (let i = 0; i < 50; i++) t.expect(await s.run(blockingInfo(f.add), [i, 1])).toBe(i + 1)
        const remote = s.remote
        const request = remote.newRequest()
        const kept = await remote.context(blockingInfo(f.keep), request, snapshot('kept'), {
          keep: true,
          yields: false,
        })
        t.expect(kept.ref).toBeTypeOf('number')
        const used = await remote.context(
          blockingInfo(f.useKept),
          request,
          snapshot(null, { kept: { [REF]: kept.ref } }),
          { keep: false, yields: false },
        )
        t.expect(used.value).toMatchObject({ live: 'not cloneable, but kept on the worker' })
        remote.release(request)
        const after = await published()
        // 50 calls and 2 context steps answered from the threads; the worker's own connection sent
        // heartbeats only (a few a second), not 52 answers.
        t.expect(after.threads - before.threads).toBe(52)
        t.expect(after.worker - before.worker).toBeLessThan(20)
      },
    )

    t.it('errors and results too big for NATS go through the event loop, which words them', async () => {
      const before = await published()
      await t.expect(s.run(blockingInfo(f.fail), ['boom'])).rejects.toThrow('boom')
      await t.expect(s.run(blockingInfo(x.big), [2 * 1024 * 1024])).rejects.toThrow(/max_payload/)
      await t.expect(s.run(blockingInfo(f.uncloneable), [])).rejects.toThrow(/cannot be sent/)
      t.expect(((await s.run(blockingInfo(x.big), [1000])) as Uint8Array).byteLength).toBe(1000)
      const after = await published()
      // Only the last (a small result) came from a thread.
      t.expect(after.threads - before.threads).toBe(1)
    })

    t.it('a mix of answers in flight at once: each call gets its own, once', async () => {
      const calls = Array.from({ length: 200 }, (_, i) =>
        i % 10 === 3
          ? s.run(blockingInfo(f.fail), [`no ${i}`]).then(
              () => 'answered',
              (error: Error) => error.message,
            )
          : s.run(blockingInfo(f.add), [i, 0]),
      )
      const results = await Promise.all(calls)
      results.forEach((result, i) => {
        if (i % 10 === 3) t.expect(result).toContain(`no ${i}`)
        else t.expect(result).toBe(i)
      })
      t.expect(await s.run(blockingInfo(x.pid), [])).toBe(worker.pid)
    })
  })
}
