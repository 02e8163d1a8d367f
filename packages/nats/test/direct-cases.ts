// A worker's pool threads take calls off NATS and publish their answers to the scheduler themselves,
// on NATS connections of their own (thread.ts): counted here on nats-server's monitoring endpoint,
// with what must still go through the worker's event loop (calls with a time limit, request steps'
// errors), a mix in flight at once where every call gets its own answer exactly once, and the ways a
// call taken by a thread could be lost, run twice or run after its abort: a thread with pool work
// pending, a thread blocked by another scheduler's call, an abort queued behind its call, a thread
// that dies mid-call. Run by vitest (Node, test/direct.test.ts) and bun test (bun/direct.test.ts).
import { PoolTimeoutError, WorkerCrashedError } from '@tandem/core'
import { blockingInfo } from '@tandem/core/adapter'
import { awaitCell, loadCell, REF, snapshot, storeCell, suiteProbe } from '@tandem/core/testing'
import { type NatsScheduler, natsScheduler } from '@tandem/nats'
import { type NatsServer, startNatsServer } from '@tandem/runtimes/nats-server'
import { functions as f, extra as x } from './fixtures/faults-entry.ts'
import { killWorkers, newSubject, outcome, quiet, startWorker, type WorkerProcess } from './fleet.ts'

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

  /**
   * Messages published by the worker's thread connections and by its own, and delivered to them,
   * per nats-server.
   */
  async function published(of = worker): Promise<{
    threads: number
    worker: number
    toThreads: number
    toWorker: number
    threadConnections: number
  }> {
    const response = await fetch(`${server.monitorUrl}/connz?limit=1024`)
    const { connections } = (await response.json()) as {
      connections: { name?: string; in_msgs: number; out_msgs: number }[]
    }
    const mine = connections.filter((c) => c.name?.endsWith(`:${of.pid} thread`))
    const main = connections.find((c) => c.name?.endsWith(`:${of.pid}`))
    return {
      threads: mine.reduce((sum, c) => sum + c.in_msgs, 0),
      worker: main?.in_msgs ?? 0,
      toThreads: mine.reduce((sum, c) => sum + c.out_msgs, 0),
      toWorker: main?.out_msgs ?? 0,
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

  t.describe('calls taken and answered by the worker threads', () => {
    t.it(
      'each thread has its own connection; plain calls reach the threads without the event loop, request steps are answered from them',
      async () => {
        const before = await published()
        t.expect(before.threadConnections).toBe(2)
        for (let i = 0; i < 50; i++) t.expect(await s.run(blockingInfo(f.add), [i, 1])).toBe(i + 1)
        const middle = await published()
        // The 50 calls were delivered to the threads' connections, not to the worker's (which got a
        // few pings and the scheduler's heartbeats), and answered from the threads.
        t.expect(middle.toThreads - before.toThreads).toBe(50)
        t.expect(middle.toWorker - before.toWorker).toBeLessThan(20)
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

    t.it(
      'errors, results too big for NATS and results the codec refuses are worded alike on both paths',
      async () => {
        const cases = async (options: { timeout?: number; request?: number }) => {
          await t.expect(s.run(blockingInfo(f.fail), ['boom'], options)).rejects.toThrow('boom')
          await t
            .expect(s.run(blockingInfo(x.big), [2 * 1024 * 1024], options))
            .rejects.toThrow(/max_payload/)
          await t
            .expect(s.run(blockingInfo(f.uncloneable), [], options))
            .rejects.toThrow(/The result of blocking function "uncloneable" cannot be sent from the worker/)
          t.expect(((await s.run(blockingInfo(x.big), [1000], options)) as Uint8Array).byteLength).toBe(1000)
        }
        // Calls of no request, with a time limit or not: taken and answered by the threads, errors too.
        let before = await published()
        await cases({})
        await cases({ timeout: 10_000 })
        let after = await published()
        t.expect(after.toThreads - before.toThreads).toBe(8)
        t.expect(after.threads - before.threads).toBe(8)
        // A request's calls go through the event loop (to the worker keeping its values), which
        // words the errors; only the last (a small result) is published by a thread.
        const request = s.remote.newRequest()
        await s.remote.context(blockingInfo(f.keep), request, snapshot('kept'), { keep: true, yields: false })
        before = await published()
        await cases({ request })
        after = await published()
        s.remote.release(request)
        t.expect(after.toThreads - before.toThreads).toBe(0)
        t.expect(after.threads - before.threads).toBe(1)
      },
    )

    t.it(
      'two schedulers, 400 calls at once: taken by threads, handed on, with time limits, of requests, some aborted: each runs at most once, and an AbortError never ran',
      async () => {
        const probe = suiteProbe('files')
        const other = await natsScheduler({
          servers: server.url,
          subject: s.subject,
          discover: 0,
          logger: quiet,
        })
        try {
          await other.waitForWorkers(1, 30_000)
          const cells = probe.cells(400)
          // One scheduler keeps a request's values on the worker: its calls go through the worker's
          // event loop, the other's are taken by the threads, on the same threads.
          const request = s.remote.newRequest()
          await s.remote.context(blockingInfo(f.keep), request, snapshot('kept'), {
            keep: true,
            yields: false,
          })
          const before = await published()
          const calls = Array.from({ length: 400 }, (_, i) => {
            const scheduler = i % 2 === 0 ? s : other
            const controller = i % 7 === 3 ? new AbortController() : undefined
            const options = {
              ...(i % 5 === 1 ? { timeout: 10_000 } : {}),
              ...(i % 5 === 2 && scheduler === s ? { request } : {}),
              ...(controller ? { signal: controller.signal } : {}),
            }
            const call = outcome(scheduler.run(blockingInfo(x.tally), [cells, i], options))
            if (controller) setTimeout(() => controller.abort(), i % 4)
            return call
          })
          const results = await Promise.all(calls)
          let aborted = 0
          results.forEach((result, i) => {
            const runs = loadCell(cells, i)
            if (result.status === 'fulfilled') {
              t.expect([i, result.value, runs]).toEqual([i, 0, 1])
              return
            }
            // Only aborted calls fail, and an AbortError means it never ran.
            t.expect([i, i % 7, result.reason.name]).toEqual([i, 3, 'AbortError'])
            t.expect([i, runs]).toEqual([i, 0])
            aborted++
          })
          t.expect(aborted).toBeLessThanOrEqual(Math.ceil(400 / 7))
          // Both paths were taken: calls to the threads' subjects, and the worker's (a request's calls,
          // and the calls of a scheduler while one of its calls goes that way).
          const after = await published()
          t.expect(after.toThreads - before.toThreads).toBeGreaterThan(0)
          t.expect(after.toWorker - before.toWorker).toBeGreaterThan(50)
          s.remote.release(request)
        } finally {
          await other.terminate()
          probe.dispose()
        }
      },
      60_000,
    )

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

  t.describe('a call taken by a thread runs once, never after its abort, and is never lost', () => {
    const probe = suiteProbe('files')
    let single: WorkerProcess
    let a: NatsScheduler
    let b: NatsScheduler

    t.beforeAll(async () => {
      const subject = newSubject()
      single = startWorker(entry, server.url, subject, 1)
      // Two schedulers (two server processes, say): neither knows what the other sent the thread.
      a = await natsScheduler({ servers: server.url, subject, discover: 0, logger: quiet })
      b = await natsScheduler({ servers: server.url, subject, discover: 0, logger: quiet })
      await Promise.all([a.waitForWorkers(1, 30_000), b.waitForWorkers(1, 30_000)])
    }, 60_000)

    t.afterAll(async () => {
      await Promise.all([a?.terminate(), b?.terminate()])
      await single?.stop('SIGKILL')
      probe.dispose()
    })

    t.it(
      'a thread with a call of the pool’s pending hands the call on: busy until the thread is free, then it runs once',
      async () => {
        const gate = probe.cells(2)
        const request = a.remote.newRequest()
        // A call of a request goes through the event loop to the pool; it awaits, so its thread
        // reads the messages sent to it meanwhile.
        const gated = a.run(blockingInfo(x.asyncGate), [gate], { request })
        await awaitCell(gate, 0, 1)
        const counter = probe.cells(1)
        const waiting = outcome(b.run(blockingInfo(f.count), [counter]))
        await new Promise((resolve) => setTimeout(resolve, 600))
        t.expect(loadCell(counter, 0)).toBe(0)
        storeCell(gate, 1, 1)
        t.expect(await gated).toBe(single.pid)
        // count() answers how many runs came before it.
        t.expect(await waiting).toMatchObject({ status: 'fulfilled', value: 0 })
        t.expect(loadCell(counter, 0)).toBe(1)
        a.remote.release(request)
      },
      30_000,
    )

    t.it(
      'a call waiting unread behind another scheduler’s call is not taken for lost, and one aborted there never starts',
      async () => {
        const gate = probe.cells(2)
        // Scheduler a's call holds the only thread (synchronously: the thread reads nothing).
        const gated = a.run(blockingInfo(x.gate), [gate])
        await awaitCell(gate, 0, 1)
        const aborted = probe.cells(1)
        const controller = new AbortController()
        const abortedCall = outcome(b.run(blockingInfo(f.count), [aborted], { signal: controller.signal }))
        // Sent to the thread (b sees a free thread): it waits unread in the thread's socket. Its
        // abort is answered at once by the worker's event loop, and the thread never starts it.
        await new Promise((resolve) => setTimeout(resolve, 200))
        const abortedAt = Date.now()
        controller.abort()
        const ended = await abortedCall
        t.expect(Date.now() - abortedAt).toBeLessThan(1000)
        t.expect(ended.status).toBe('rejected')
        t.expect((ended as { reason: Error }).reason.name).toBe('AbortError')
        t.expect((ended as { reason: Error }).reason.message).toMatch(/before it started/)
        const counter = probe.cells(1)
        const waiting = outcome(b.run(blockingInfo(f.count), [counter]))
        // Several of b's pings: each pong says the thread has work, so the call is not taken for lost.
        let settled = false
        void waiting.then(() => (settled = true))
        await new Promise((resolve) => setTimeout(resolve, 2500))
        t.expect(settled).toBe(false)
        storeCell(gate, 1, 1)
        t.expect(await gated).toBe(single.pid)
        t.expect(await waiting).toMatchObject({ status: 'fulfilled', value: 0 })
        t.expect(loadCell(counter, 0)).toBe(1)
        t.expect(loadCell(aborted, 0)).toBe(0)
      },
      30_000,
    )

    t.it(
      'calls taken by a thread that end right at their time limit: each answered or timed out, never both, and no other call is ever stopped',

      async () => {
        let timedOut = 0

        for (let i = 0; i < 24; i++) {
          // 80 ms of work against a limit of 70 to 93 ms: some end just before it, some just after.

          const result = await outcome(a.run(blockingInfo(f.sleep), [80], { timeout: 70 + i }))

          if (result.status === 'fulfilled') t.expect(result.value).toBe(80)
          else {
            t.expect(result.reason).toBeInstanceOf(PoolTimeoutError)

            timedOut++
          }

          // The next call, on the same thread or its replacement, runs.

          t.expect(await a.run(blockingInfo(f.add), [i, 1])).toBe(i + 1)
        }

        t.expect(timedOut).toBeGreaterThan(0)

        t.expect(timedOut).toBeLessThan(24)
      },

      60_000,
    )

    t.it(
      'a thread that dies running a call it took: that call fails, naming it; the new thread takes calls',
      async () => {
        const crashed = await outcome(a.run(blockingInfo(f.crash), []))
        t.expect(crashed.status).toBe('rejected')
        const reason = (crashed as { reason: Error }).reason
        t.expect(reason).toBeInstanceOf(WorkerCrashedError)
        t.expect(reason.message).toMatch(/"crash"/)
        const before = await published(single)
        for (let i = 0; i < 5; i++) t.expect(await a.run(blockingInfo(f.add), [i, i])).toBe(2 * i)
        const after = await published(single)
        // Taken by the replacement thread again, once the worker's heartbeat announced it.
        t.expect(after.toThreads - before.toThreads).toBeGreaterThanOrEqual(1)
      },
      30_000,
    )
  })
}
