// Faults across processes, against real nats-server and tandem-nats-worker processes: a worker
// killed or frozen mid-call, nats-server killed and restarted, workers of another version, a
// scheduler that vanishes holding a worker's thread, a worker that drains on SIGTERM, and aborts
// racing the calls they abort. Each test prints what it measured (detection and reconnect times).
import { readdirSync, readFileSync } from 'node:fs'
import { type BlockingFunction, PoolQueueFullError, WorkerCrashedError } from '@tandem/core'
import { blockingInfo } from '@tandem/core/adapter'
import { awaitCell, loadCell, REF, snapshot, storeCell, suiteProbe } from '@tandem/core/testing'
import { type NatsScheduler, type NatsSchedulerOptions, NoWorkersError, natsScheduler } from '@tandem/nats'
import { type NatsServer, startNatsServer } from '@tandem/runtimes/nats-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { functions as f, extra as x } from './fixtures/faults-entry.ts'
import {
  killWorkers,
  newSubject,
  outcome,
  quiet,
  recorder,
  startProcess,
  startWorker,
  until,
} from './fleet.ts'

const entry = new URL('./fixtures/faults-entry.ts', import.meta.url).pathname
const otherEntry = new URL('./fixtures/other-entry.ts', import.meta.url).pathname
const vanishing = new URL('./fixtures/vanishing-scheduler.ts', import.meta.url).pathname

/** Milliseconds to wait for worker processes to start: long, on a loaded machine. */
const STARTUP = 30_000

/** Each test starts processes and may wait out a heartbeat silence: a minute at most. */
const test = (title: string, fn: () => Promise<void>) => it(title, fn, 60_000)

let server: NatsServer
const open: NatsScheduler[] = []
const probe = suiteProbe('files')
const measured: Record<string, string> = {}

beforeAll(async () => {
  server = await startNatsServer()
})
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.terminate()))
  await killWorkers()
  probe.dispose()
})
afterAll(async () => {
  await killWorkers()
  await server?.stop()
  console.log(
    `NATS fault timings:\n${Object.entries(measured)
      .map(([what, time]) => `  ${what}: ${time}`)
      .join('\n')}`,
  )
})

function run<A extends unknown[]>(
  s: NatsScheduler,
  fn: BlockingFunction<A>,
  args: A,
  signal?: AbortSignal,
): Promise<any> {
  return s.run(blockingInfo(fn), args, signal ? { signal } : {})
}

async function caught(promise: Promise<unknown>): Promise<any> {
  const result = await outcome(promise)
  if (result.status === 'rejected') return result.reason
  throw new Error(`Expected the call to fail, but it returned ${JSON.stringify(result.value)}.`)
}

async function scheduler(
  subject: string,
  options: Partial<NatsSchedulerOptions> = {},
  servers = server.url,
): Promise<NatsScheduler> {
  const s = await natsScheduler({ servers, subject, discover: 0, logger: quiet, ...options })
  open.push(s)
  return s
}

/** Whether every thread of process `pid` is stopped (SIGSTOP), by /proc (Linux). */
function allStopped(pid: number): boolean {
  const tasks = readdirSync(`/proc/${pid}/task`)
  return tasks.every((task) => {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')
  })
}

/** Whether the scheduler lists a worker of this PID, and how. */
const listed = (s: NatsScheduler, pid: number) => s.stats().workers.find((w) => w.pid === pid)

describe('NATS faults across processes', () => {
  test('a worker SIGKILLed mid-call fails only its own calls, found by a ping; its requests fail at once', async () => {
    const subject = newSubject()
    const victim = startWorker(entry, server.url, subject, 1)
    // lostAfter far away: only the pings of a call in flight can find the killed worker in time.
    const s = await scheduler(subject, { lostAfter: 60_000 })
    await s.waitForWorkers(1, STARTUP)
    const remote = s.remote
    const request = remote.newRequest()
    const kept = await remote.context(blockingInfo(f.keep), request, snapshot('on the victim'), {
      keep: true,
      yields: false,
    })
    const onVictim = probe.cells(3)
    const doomed = caught(run(s, x.work, [onVictim, 30_000]))
    await awaitCell(onVictim, 0, 1)
    expect(loadCell(onVictim, 2)).toBe(victim.pid)

    const survivor = startWorker(entry, server.url, subject, 1)
    await s.waitForWorkers(2, STARTUP)
    // A call running on the other worker across the kill, and calls queued behind it.
    const onSurvivor = probe.cells(2)
    const other = run(s, x.gate, [onSurvivor])
    await awaitCell(onSurvivor, 0, 1)
    const counter = probe.cells(1)
    const queued = [run(s, f.count, [counter]), run(s, f.count, [counter]), run(s, f.count, [counter])]
    expect(s.stats().queued).toBe(3)

    const killedAt = Date.now()
    await victim.stop('SIGKILL')
    const error = await doomed
    const detection = Date.now() - killedAt
    measured['SIGKILL → its call fails'] = `${detection} ms`
    expect(error).toBeInstanceOf(WorkerCrashedError)
    // Found by a ping (a tick is 500 ms), long before lostAfter: the default 3 s, here a minute.
    expect(detection).toBeLessThan(5000)

    // The request whose values were on it: its next step fails at once, without reaching a worker.
    const stepAt = Date.now()
    expect(await caught(remote.fetch(request, kept.ref!))).toBeInstanceOf(WorkerCrashedError)
    expect(Date.now() - stepAt).toBeLessThan(100)
    remote.release(request)

    // The other worker's call and the queued calls were not touched: they run there, once each.
    storeCell(onSurvivor, 1, 1)
    expect(await other).toBe(survivor.pid)
    expect((await Promise.all(queued)).sort()).toEqual([0, 1, 2])
    expect(loadCell(counter, 0)).toBe(3)
    expect(await run(s, x.pid, [])).toBe(survivor.pid)
    // The killed call was not run again anywhere.
    expect([loadCell(onVictim, 0), loadCell(onVictim, 1)]).toEqual([1, 0])
    expect(s.stats().workers.map((w) => w.pid)).toEqual([survivor.pid])
  })

  test('a worker SIGKILLed with a ping to it unanswered is still found by the next ping', async () => {
    const subject = newSubject()
    const worker = startWorker(entry, server.url, subject, 1)
    const s = await scheduler(subject, { lostAfter: 60_000 })
    await s.waitForWorkers(1, STARTUP)
    const cells = probe.cells(2)
    const doomed = caught(run(s, x.gate, [cells]))
    await awaitCell(cells, 0, 1)
    // Frozen, it leaves the pings of the scheduler's ticks (every 500 ms while a call runs there)
    // unanswered in its socket; killed, it takes them with it: no answer, no "no responders".
    worker.signal('SIGSTOP')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const killedAt = Date.now()
    await worker.stop('SIGKILL')
    expect(await doomed).toBeInstanceOf(WorkerCrashedError)
    const detection = Date.now() - killedAt
    measured['SIGKILL with a ping lost → its call fails'] = `${detection} ms`
    expect(detection).toBeLessThan(5000)
  })

  test('a worker SIGKILLed in a burst of calls: only the calls running there fail, the rest run once each', async () => {
    const subject = newSubject()
    const workers = [startWorker(entry, server.url, subject, 2), startWorker(entry, server.url, subject, 2)]
    const s = await scheduler(subject, { lostAfter: 60_000 })
    await s.waitForWorkers(2, STARTUP)
    const calls = Array.from({ length: 40 }, () => {
      const cells = probe.cells(3)
      return { cells, result: outcome(run(s, x.work, [cells, 60])) }
    })
    // Kill one worker once a few calls have run: it has two calls running (or just sent to it).
    await until('ten calls done', () => calls.filter(({ cells }) => loadCell(cells, 1) === 1).length >= 10)
    const victim = workers[0]!
    await victim.stop('SIGKILL')
    const results = await Promise.all(calls.map(({ result }) => result))
    const failed = results.filter((result) => result.status === 'rejected')
    expect(failed.length).toBeGreaterThanOrEqual(1)
    expect(failed.length).toBeLessThanOrEqual(2)
    for (const [i, result] of results.entries()) {
      const { cells } = calls[i]!
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(WorkerCrashedError)
        // It ran on the killed worker (or never started): not run again anywhere.
        expect(loadCell(cells, 0)).toBeLessThanOrEqual(1)
        if (loadCell(cells, 0) === 1) expect(loadCell(cells, 2)).toBe(victim.pid)
      } else {
        expect(loadCell(cells, 0)).toBe(1)
        expect(result.value).toBe(loadCell(cells, 2))
      }
    }
    expect(s.stats().workers.map((w) => w.pid)).toEqual([workers[1]!.pid])
  })

  test('a frozen worker (SIGSTOP) is lost after lostAfter; after SIGCONT it releases the lost request and takes calls again', async () => {
    const subject = newSubject()
    const frozen = startWorker(entry, server.url, subject, 2)
    const s = await scheduler(subject) // lostAfter: 3 heartbeats of 1 s
    await s.waitForWorkers(1, STARTUP)
    const remote = s.remote
    const request = remote.newRequest()
    const flags = probe.cells(3)
    const entered = await remote.context(blockingInfo(f.resource), request, snapshot(flags), {
      keep: true,
      yields: true,
    })
    expect(loadCell(flags, 0)).toBe(1)
    const onFrozen = probe.cells(2)
    const doomed = caught(run(s, x.gate, [onFrozen]))
    await awaitCell(onFrozen, 0, 1)
    const other = startWorker(entry, server.url, subject, 1)
    await s.waitForWorkers(2, STARTUP)

    const stoppedAt = Date.now()
    frozen.signal('SIGSTOP')
    const error = await doomed
    const detection = Date.now() - stoppedAt
    measured['SIGSTOP → its call fails'] = `${detection} ms (lostAfter 3000 ms)`
    expect(error).toBeInstanceOf(WorkerCrashedError)
    // Lost for its silence: 3 s after its last heartbeat (about 1 s before the stop at most), not
    // at the first unanswered ping.
    expect(detection).toBeGreaterThanOrEqual(1500)
    expect(detection).toBeLessThan(8000)
    expect(listed(s, frozen.pid)).toBeUndefined()

    // Its request's cleanup step fails at once; the release is sent to it, for when it comes back.
    const stepAt = Date.now()
    expect(await caught(remote.exit(request, entered.exit!))).toBeInstanceOf(WorkerCrashedError)
    expect(Date.now() - stepAt).toBeLessThan(100)
    remote.release(request)
    expect(await run(s, x.pid, [])).toBe(other.pid)
    expect(loadCell(flags, 1)).toBe(0)

    frozen.signal('SIGCONT')
    storeCell(onFrozen, 1, 1) // its lost call ends there now: the answer comes too late to count
    // The release reached it: the yield dependency's cleanup ran there (closed, no error thrown in).
    await awaitCell(flags, 1, 1, 10_000)
    expect(loadCell(flags, 2)).toBe(0)
    await until('the frozen worker back', () => listed(s, frozen.pid))
    // Both its threads are free again: three calls run at once, two of them there.
    const gate = probe.cells(2)
    const three = [run(s, x.gate, [gate]), run(s, x.gate, [gate]), run(s, x.gate, [gate])]
    await awaitCell(gate, 0, 3)
    storeCell(gate, 1, 1)
    expect((await Promise.all(three)).filter((pid) => pid === frozen.pid)).toHaveLength(2)
    // The call lost with it ran once (its late answer was ignored); the release came from the
    // scheduler, not from the worker's own sweep of silent schedulers.
    expect(loadCell(onFrozen, 0)).toBe(1)
    expect(frozen.output()).not.toContain('went silent')
  })

  test('a call sent to a worker as it froze fails once it is lost, and never starts there after SIGCONT', async () => {
    const subject = newSubject()
    const frozen = startWorker(entry, server.url, subject, 1)
    const s = await scheduler(subject)
    await s.waitForWorkers(1, STARTUP)
    frozen.signal('SIGSTOP')
    // Every thread of it stopped (the signal takes effect asynchronously: a call sent at once could
    // reach a thread still running, and start there before it stops).
    await until('the worker stopped', () => allStopped(frozen.pid))
    // Its thread is free, as far as the scheduler knows: the call is sent and waits in its socket.
    const counter = probe.cells(1)
    const sentAt = Date.now()
    const error = await caught(run(s, f.count, [counter]))
    measured['a call sent to a frozen worker fails'] = `${Date.now() - sentAt} ms`
    expect(error).toBeInstanceOf(WorkerCrashedError)
    frozen.signal('SIGCONT')
    await until('the frozen worker back', () => listed(s, frozen.pid))
    // It read the call and, right behind it, the scheduler's abort: the call never started. A call
    // sent after them runs there (its messages are read in order).
    expect(await run(s, x.pid, [])).toBe(frozen.pid)
    expect(loadCell(counter, 0)).toBe(0)
  })

  test('nats-server killed and restarted: queued calls wait and run after the reconnect, a running call never runs twice', async () => {
    const own = await startNatsServer()
    const subject = newSubject()
    // Three threads: the running call's, the queued calls', and one for the kept request's step
    // (its values live on one of the worker's threads, which may be the running call's).
    const worker = startWorker(entry, own.url, subject, 3)
    const log = recorder()
    const s = await scheduler(subject, { logger: log }, own.url)
    try {
      await s.waitForWorkers(1, STARTUP)
      // A request with a value kept on the worker: its steps made during an outage wait for it.
      const remote = s.remote
      const request = remote.newRequest()
      const kept = await remote.context(blockingInfo(f.keep), request, snapshot('kept'), {
        keep: true,
        yields: false,
      })
      // Round 1: the running call ends after the reconnect; round 2: during the outage (its
      // answer is published while the worker is cut off).
      for (const endsDuringOutage of [false, true]) {
        const running = probe.cells(2)
        const during = outcome(run(s, x.gate, [running]))
        await awaitCell(running, 0, 1)
        const disconnects = log.lines.filter((line) => line.includes('lost the connection')).length
        await own.kill()
        await until(
          'the scheduler to see the disconnect',
          () => log.lines.filter((line) => line.includes('lost the connection')).length > disconnects,
        )
        const counter = probe.cells(1)
        const queued = [run(s, f.count, [counter]), run(s, f.count, [counter]), run(s, f.count, [counter])]
        expect(s.stats().queued).toBe(3)
        const step = remote.context(
          blockingInfo(f.useKept),
          request,
          snapshot(null, { kept: { [REF]: kept.ref } }),
          { keep: false, yields: false },
        )
        if (endsDuringOutage) storeCell(running, 1, 1)
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(loadCell(counter, 0)).toBe(0)
        await own.restart()
        const upAt = Date.now()
        expect((await Promise.all(queued)).sort()).toEqual([0, 1, 2])
        const round = endsDuringOutage ? 'ends during the outage' : 'ends after'
        measured[`restart → queued calls done (running call ${round})`] = `${Date.now() - upAt} ms`
        if (!endsDuringOutage) storeCell(running, 1, 1)
        expect((await step).value).toMatchObject({ live: 'not cloneable, but kept on the worker' })
        const result = await during
        measured[`running call that ${round}`] =
          result.status === 'fulfilled' ? 'answered' : `failed: ${result.reason?.name}`
        if (result.status === 'fulfilled') expect(result.value).toBe(worker.pid)
        else expect(result.reason).toBeInstanceOf(WorkerCrashedError)
        // New calls go on; neither the running call nor the queued ones ran twice.
        expect(await run(s, f.add, [2, 3])).toBe(5)
        expect(await Promise.all([run(s, x.pid, []), run(s, x.pid, [])])).toEqual([worker.pid, worker.pid])
        expect([loadCell(running, 0), loadCell(counter, 0)]).toEqual([1, 3])
      }
      remote.release(request)
      const reconnected = log.lines.filter((line) => line.includes('reconnected')).length
      expect(reconnected).toBe(2)
    } finally {
      await s.terminate()
      await worker.stop('SIGKILL')
      await own.stop()
    }
  })

  test('version skew: workers of other blocking functions get no call; with only them, NoWorkersError at once', async () => {
    const subject = newSubject()
    const stranger = startWorker(otherEntry, server.url, subject, 1)
    const s = await scheduler(subject)
    await until('the other version to be seen', () => s.stats().incompatible === 1, STARTUP)
    expect(s.describe()).toBe(
      `nats (nats://127.0.0.1:${server.port}, subject ${subject}): 0 compatible workers (0 threads), ` +
        '1 incompatible (other blocking functions, runtime or version)',
    )
    const calledAt = Date.now()
    const refused = await caught(run(s, x.pid, []))
    const refusal = Date.now() - calledAt
    measured['only incompatible workers → NoWorkersError'] = `${refusal} ms`
    expect(refusal).toBeLessThan(100)
    expect(refused).toBeInstanceOf(NoWorkersError)
    expect(refused).toBeInstanceOf(PoolQueueFullError)
    expect(refused.message).toContain('1 worker there run other blocking functions')

    const worker = startWorker(entry, server.url, subject, 2)
    await s.waitForWorkers(1, STARTUP)
    expect(s.describe()).toBe(
      `nats (nats://127.0.0.1:${server.port}, subject ${subject}): 1 compatible worker (2 threads), ` +
        '1 incompatible (other blocking functions, runtime or version)',
    )
    // The stranger answers with an error any call that reaches it: every call here ran on the worker.
    const pids = await Promise.all(Array.from({ length: 20 }, () => run(s, x.pid, [])))
    expect(new Set(pids)).toEqual(new Set([worker.pid]))
    expect(s.stats()).toMatchObject({ incompatible: 1, size: 2 })
    await stranger.waitFor('2 blocking functions')
  })

  test('the last worker killed: its call fails, queued calls fail with NoWorkersError after the 5 s grace', async () => {
    const subject = newSubject()
    const only = startWorker(entry, server.url, subject, 1)
    const s = await scheduler(subject)
    await s.waitForWorkers(1, STARTUP)
    const cells = probe.cells(3)
    const running = caught(run(s, x.work, [cells, 30_000]))
    await awaitCell(cells, 0, 1)
    const counter = probe.cells(1)
    const queued = caught(run(s, f.count, [counter]))
    const killedAt = Date.now()
    await only.stop('SIGKILL')
    expect(await running).toBeInstanceOf(WorkerCrashedError)
    const error = await queued
    const waited = Date.now() - killedAt
    measured['last worker killed → queued call fails'] = `${waited} ms`
    expect(error).toBeInstanceOf(NoWorkersError)
    expect(waited).toBeGreaterThanOrEqual(4500)
    expect(loadCell(counter, 0)).toBe(0)
    expect(s.stats()).toMatchObject({ queued: 0, busy: 0 })
  })

  test('no worker at all: NoWorkersError at once', async () => {
    const s = await scheduler(newSubject())
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const calledAt = Date.now()
      const refused = await caught(run(s, f.add, [1, 1]))
      times.push(Date.now() - calledAt)
      expect(refused).toBeInstanceOf(NoWorkersError)
      expect(refused.message).toMatch(/No NATS worker runs this app's blocking functions on subject/)
    }
    measured['no worker → NoWorkersError'] = `max ${Math.max(...times)} ms`
    expect(Math.max(...times)).toBeLessThan(100)
  })

  test("a scheduler SIGKILLed holding a worker's thread: the worker releases it after the scheduler's silence", async () => {
    const subject = newSubject()
    const worker = startWorker(entry, server.url, subject, 1)
    const flags = probe.cells(3)
    if (flags.kind !== 'files') throw new Error('file cells expected')
    const s = await scheduler(subject)
    await s.waitForWorkers(1, STARTUP)
    const child = startProcess([vanishing, server.url, subject, flags.dir])
    await child.waitFor('HELD', STARTUP)
    expect([loadCell(flags, 0), loadCell(flags, 1)]).toEqual([1, 0])
    // The worker's only thread is held by the child's request: this call waits for it.
    const waiting = run(s, x.pid, [])
    const killedAt = Date.now()
    await child.stop('SIGKILL')
    expect(await waiting).toBe(worker.pid)
    const freed = Date.now() - killedAt
    measured['scheduler SIGKILLed → its thread free'] = `${freed} ms (its lostAfter: 10000 ms)`
    // Released for the silence (10 s in S.shb), not before; the cleanup ran first, closing it.
    expect(freed).toBeGreaterThanOrEqual(9000)
    expect(freed).toBeLessThan(20_000)
    expect([loadCell(flags, 1), loadCell(flags, 2)]).toEqual([1, 0])
    expect(worker.output()).toMatch(/scheduler \S+ went silent; released the values of its 1 request/)
    expect(await run(s, x.pid, [])).toBe(worker.pid)
  })

  test('SIGTERM drains a worker: its call completes, new requests go to the other, then it exits 0', async () => {
    const subject = newSubject()
    const leaving = startWorker(entry, server.url, subject, 2)
    const s = await scheduler(subject)
    await s.waitForWorkers(1, STARTUP)
    const cells = probe.cells(2)
    const inProgress = run(s, x.gate, [cells])
    await awaitCell(cells, 0, 1)
    const staying = startWorker(entry, server.url, subject, 1)
    await s.waitForWorkers(2, STARTUP)

    leaving.signal('SIGTERM')
    await leaving.waitFor('SIGTERM: finishing the requests in progress')
    // At once, before the scheduler may have heard of the drain: the leaving worker has a free
    // thread, yet every new call runs on the other one (the leaving one answers busy, if asked).
    const pids = Array.from({ length: 6 }, () => run(s, x.pid, []))
    await until('the drain announced', () => listed(s, leaving.pid)?.draining)
    expect(await Promise.all(pids)).toEqual(Array(6).fill(staying.pid))
    expect(leaving.child.exitCode).toBeNull()
    storeCell(cells, 1, 1)
    expect(await inProgress).toBe(leaving.pid)
    expect(await leaving.exited).toBe(0)
    await until('the bye', () => !listed(s, leaving.pid))
    expect(await run(s, x.pid, [])).toBe(staying.pid)
  })

  test('abort right after sending: a call either ran once and answered, or failed AbortError and never ran', async () => {
    const subject = newSubject()
    startWorker(entry, server.url, subject, 1)
    const s = await scheduler(subject)
    await s.waitForWorkers(1, STARTUP)
    const delays: ((abort: () => void) => void)[] = [
      (abort) => abort(),
      (abort) => queueMicrotask(abort),
      (abort) => setImmediate(abort),
      (abort) => setTimeout(abort, 0),
      (abort) => setTimeout(abort, 1),
      (abort) => setTimeout(abort, 2),
      (abort) => setTimeout(abort, 4),
    ]
    const results: { counter: ReturnType<typeof probe.cells>; status: string }[] = []
    for (let i = 0; i < 28; i++) {
      const counter = probe.cells(1)
      const controller = new AbortController()
      const call = outcome(run(s, f.count, [counter], controller.signal))
      delays[i % delays.length]!(() => controller.abort())
      const result = await call
      if (result.status === 'fulfilled') expect(result.value).toBe(0)
      else expect(result.reason.name).toBe('AbortError')
      results.push({ counter, status: result.status })
    }
    // Calls aborted on the worker were told so before the next call there: a later call has answered.
    expect(await run(s, f.add, [1, 1])).toBe(2)
    expect(results.map(({ counter, status }) => `${status}:${loadCell(counter, 0)}`)).toEqual(
      results.map(({ status }) => `${status}:${status === 'fulfilled' ? 1 : 0}`),
    )
    measured['abort right after sending'] =
      `${results.filter((r) => r.status === 'rejected').length} of ${results.length} aborted in time`
  })

  test('abort of a call another scheduler keeps busy (answered busy, queued again): it never runs', async () => {
    const subject = newSubject()
    startWorker(entry, server.url, subject, 1)
    const first = await scheduler(subject)
    const second = await scheduler(subject)
    await Promise.all([first.waitForWorkers(1, STARTUP), second.waitForWorkers(1, STARTUP)])
    const gate = probe.cells(2)
    const holding = run(first, x.gate, [gate])
    await awaitCell(gate, 0, 1)
    // The second scheduler sees a free thread; the worker answers busy, and it asks again.
    const counter = probe.cells(1)
    const controller = new AbortController()
    const call = outcome(run(second, f.count, [counter], controller.signal))
    await new Promise((resolve) => setTimeout(resolve, 200))
    controller.abort()
    const result = await Promise.race([
      call,
      new Promise((resolve) => setTimeout(() => resolve('still waiting 2 s after its abort'), 2000)),
    ])
    expect(result).toMatchObject({ status: 'rejected', reason: { name: 'AbortError' } })
    storeCell(gate, 1, 1)
    await holding
    expect(await run(second, f.add, [1, 2])).toBe(3)
    expect(await run(first, f.add, [1, 2])).toBe(3)
    expect(loadCell(counter, 0)).toBe(0)
  })
})
