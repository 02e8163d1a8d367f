import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { faultLoad, recordedRuns, rssMb } from './faults.ts'
import type { FaultKind } from './faults-app.ts'
import { type RuntimeProcess, startProcess } from './index.ts'

/** The test runner's functions the suite uses: vitest's and `bun:test`'s both fit. */
export interface SuiteApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => Promise<void>, timeout?: number): void
  expect: any
}

/** Options of `runFaultSuite`. */
export interface FaultSuiteOptions {
  /** The fault kinds this runtime can bound (`heap` needs a heap limit per worker). */
  kinds: FaultKind[]
  /** How long the mixed load runs (ms): a few seconds in `pnpm test`, a minute in `pnpm soak`. */
  durationMs: number
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Lines of the record file equal to `line`. */
function countLines(file: string, line: string): number {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l === line).length
  } catch {
    return 0
  }
}

/** Waits (bounded) until the record file has `line`. */
async function recorded(file: string, line: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (countLines(file, line) === 0) {
    if (Date.now() > deadline) throw new Error(`"${line}" was not recorded in ${timeout} ms`)
    await pause(10)
  }
}

/** Sends a request, and leaves (aborts it) once `ready` resolves; resolves once the client has left. */
async function leaveAfter(url: string, ready: () => Promise<void>): Promise<void> {
  const controller = new AbortController()
  const answer = fetch(url, { signal: controller.signal }).then(
    (response) => {
      throw new Error(`${url} answered ${response.status} before the client left`)
    },
    () => undefined,
  )
  await ready()
  controller.abort()
  await answer
}

/**
 * The reliability suite of a server adapter, against a real process of faults-app.ts: steady mixed
 * load with every fault (nothing lost, healthy calls all succeed, every call runs exactly once),
 * cancellation (queued calls of clients that left never run, running ones see their signal, yield
 * cleanups run once), and back-pressure (503 with Retry-After, bounded memory, recovery).
 */
export function runFaultSuite(
  runtime: 'node' | 'bun',
  entry: string,
  api: SuiteApi,
  options: FaultSuiteOptions,
): void {
  const { describe, it, expect } = api
  const start = async (env: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-faults-'))
    const record = join(dir, 'record.log')
    const server = await startProcess(runtime, entry, { FAULT_RECORD: record, ...env })
    return {
      server,
      record,
      stop: async (s: RuntimeProcess) => {
        await s.stop()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }

  describe(`reliability on ${runtime}: faults, cancellation, back-pressure`, () => {
    it(
      'under mixed load with faults, loses nothing, answers every healthy call and runs each call once',
      async () => {
        const { server, record, stop } = await start()
        try {
          const report = await faultLoad({
            url: server.url,
            record,
            durationMs: options.durationMs,
            kinds: options.kinds,
            pid: server.pid,
          })
          console.log(`[faults ${runtime}] ${JSON.stringify(report)}`)
          expect(report.lost).toEqual([])
          expect(report.wrong).toEqual([])
          expect(report.runs).toEqual([])
          expect(report.byStatus['200']).toBeGreaterThan(0)
          expect(report.byStatus['500']).toBeGreaterThan(0)
          expect(report.calls).toBeGreaterThan(20)
          // The server still answers at once after the storm.
          expect((await fetch(`${server.url}/tiny?id=after`)).status).toBe(200)
        } finally {
          await stop(server)
        }
      },
      options.durationMs + 120_000,
    )

    it('never runs the queued calls of clients that left; a running call sees its signal; cleanups run once', async () => {
      const { server, record, stop } = await start({ FAULT_POOL_SIZE: '1', FAULT_TIMEOUT: '20000' })
      try {
        // One worker, held by a request with a blocking yield dependency.
        const held = fetch(`${server.url}/held?id=h&ms=1500`)
        await recorded(record, 'run h')
        const leaving = Array.from({ length: 4 }, (_, i) => {
          const controller = new AbortController()
          const answer = fetch(`${server.url}/tiny?id=gone${i}`, { signal: controller.signal }).catch(
            (error: Error) => error.name,
          )
          return { controller, answer }
        })
        await pause(200)
        for (const l of leaving) l.controller.abort()
        expect(await Promise.all(leaving.map((l) => l.answer))).toEqual(Array(4).fill('AbortError'))
        expect((await held).status).toBe(200)
        expect((await fetch(`${server.url}/tiny?id=next`)).status).toBe(200)
        const runs = recordedRuns(record)
        expect([0, 1, 2, 3].map((i) => runs.get(`gone${i}`) ?? 0)).toEqual([0, 0, 0, 0])

        // A running blocking handler sees the client leave.
        await leaveAfter(`${server.url}/watch?id=w&ms=8000`, () => recorded(record, 'run w'))
        await recorded(record, 'aborted w')

        // A client that leaves while its yield dependency is open: the cleanup runs, once.
        await leaveAfter(`${server.url}/held?id=k&ms=400`, () => recorded(record, 'open k'))
        await recorded(record, 'close k')
        expect((await fetch(`${server.url}/tiny?id=last`)).status).toBe(200)
        expect([
          countLines(record, 'open k'),
          countLines(record, 'close k'),
          countLines(record, 'close h'),
        ]).toEqual([1, 1, 1])
      } finally {
        await stop(server)
      }
    }, 60_000)

    it('refuses past the queue bound with 503 and Retry-After, in bounded memory, and recovers', async () => {
      const { server, record, stop } = await start({
        FAULT_POOL_SIZE: '1',
        FAULT_MAX_QUEUE: '4',
        FAULT_TIMEOUT: '20000',
      })
      try {
        const busy = fetch(`${server.url}/watch?id=busy&ms=3000`)
        await recorded(record, 'run busy')
        const before = rssMb(server.pid)
        const statuses: number[] = []
        let retryAfter: string | null = null
        let detail: unknown
        let sent = 0
        const lane = async () => {
          while (sent < 2000) {
            sent++
            const response = await fetch(`${server.url}/tiny?id=flood${sent}`)
            statuses.push(response.status)
            if (response.status === 503) {
              retryAfter = response.headers.get('retry-after')
              detail = ((await response.json()) as { detail?: unknown }).detail
            } else await response.arrayBuffer()
          }
        }
        await Promise.all(Array.from({ length: 32 }, lane))
        const after = rssMb(server.pid)
        console.log(
          `[back-pressure ${runtime}] rss ${before} -> ${after} MB, 503s ${statuses.filter((s) => s === 503).length}/${statuses.length}`,
        )
        expect(statuses.length).toBe(2000)
        expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([])
        expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0)
        expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
        expect(typeof detail).toBe('string')
        if (before !== undefined && after !== undefined) expect(after - before).toBeLessThan(150)
        expect((await busy).status).toBe(200)
        expect((await fetch(`${server.url}/tiny?id=recovered`)).status).toBe(200)
      } finally {
        await stop(server)
      }
    }, 60_000)
  })
}
