import { readFileSync } from 'node:fs'
import type { FaultKind } from './faults-app.ts'
import { prng } from './malformed.ts'

/**
 * The fault-injection load of the reliability suite: steady mixed traffic against a server of
 * faults-app.ts (healthy requests, blocking calls that throw, exit their worker, run out of heap,
 * loop past the time limit or reject late, and mixes of those inside one request), counted by
 * outcome, with each blocking call's runs read back from the app's record file.
 */

/** What one load run saw. */
export interface FaultReport {
  sent: number
  /** Answers by status (`"200"`, `"500"`, ...) and route (`"tiny 200"`). */
  byStatus: Record<string, number>
  byRoute: Record<string, number>
  /** Requests that got no HTTP answer (reset, hang past the client's limit): must be 0. */
  lost: string[]
  /** Answers other than the route's promise (a healthy call failing, a fault answering 200). */
  wrong: string[]
  /** Blocking calls whose recorded runs differ from what their answer implies (must be none). */
  runs: string[]
  /** Calls checked against the record file. */
  calls: number
  /** The server's resident memory (MB) sampled each second: first, highest, last. */
  rss: { first: number; max: number; last: number } | undefined
}

/** Options of `faultLoad`. */
export interface FaultLoadOptions {
  url: string
  /** The record file the server's FAULT_RECORD names. */
  record: string
  /** How long to send (ms), and at most how many requests. */
  durationMs: number
  maxRequests?: number
  concurrency?: number
  /** The fault kinds to send (`heap` only where the pool bounds a worker's heap). */
  kinds: FaultKind[]
  /** The server's pid, to sample its memory (Linux). */
  pid?: number
  seed?: number
}

/** What each route answers; a runaway allocation is stopped by the heap limit or the time limit, whichever comes first. */
const expected: Record<FaultKind, number[]> = {
  tiny: [200],
  throw: [500],
  exit: [500],
  heap: [500, 504],
  loop: [504],
  late: [500],
}

/** The resident memory of a process in MB (Linux), or undefined. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Math.round(Number(match[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

/** Runs per call id, from the app's record file (`run <id>` lines). */
export function recordedRuns(file: string): Map<string, number> {
  const runs = new Map<string, number>()
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {}
  for (const line of text.split('\n')) {
    if (line.startsWith('run ')) runs.set(line.slice(4), (runs.get(line.slice(4)) ?? 0) + 1)
  }
  return runs
}

/** Sends the mixed load and checks every answer and every call's runs. */
export async function faultLoad(options: FaultLoadOptions): Promise<FaultReport> {
  const random = prng(options.seed ?? 1)
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!
  const faults = options.kinds.filter((k) => k !== 'tiny')
  const report: FaultReport = {
    sent: 0,
    byStatus: {},
    byRoute: {},
    lost: [],
    wrong: [],
    runs: [],
    calls: 0,
    rss: undefined,
  }
  /** What each answered call implies for its runs: exactly one run, or none (refused with 503). */
  const checks: [string, 0 | 1][] = []
  const deadline = Date.now() + options.durationMs
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY
  let n = 0
  const samples: number[] = []
  const sampler = options.pid
    ? setInterval(() => {
        const rss = rssMb(options.pid!)
        if (rss !== undefined) samples.push(rss)
      }, 1000)
    : undefined

  const one = async () => {
    const id = `r${n++}`
    const roll = random()
    let route: string
    let kinds: FaultKind[] = []
    if (roll < 0.1) route = 'health'
    else if (roll < 0.6) route = 'tiny'
    else if (roll < 0.8) {
      route = 'mix'
      kinds = ['tiny', ...Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(options.kinds))]
    } else route = pick(faults)
    const path =
      route === 'health'
        ? '/health'
        : route === 'mix'
          ? `/mix?id=${id}&kinds=${kinds.join(',')}`
          : `/${route}?id=${id}`
    report.sent++
    let response: Response
    let body: unknown
    try {
      response = await fetch(options.url + path, { signal: AbortSignal.timeout(60_000) })
      const text = await response.text()
      // An unhandled error answers "Internal Server Error" as text, as Starlette does.
      body = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text
    } catch (error) {
      report.lost.push(`${path}: ${(error as Error).message}`)
      return
    }
    const status = response.status
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1
    report.byRoute[`${route} ${status}`] = (report.byRoute[`${route} ${status}`] ?? 0) + 1
    if (route === 'health') {
      if (status !== 200) report.wrong.push(`${path} answered ${status}`)
    } else if (route === 'mix') {
      if (status === 503) return checks.push(...kinds.map((_, i) => [`${id}.${i}`, 0] as [string, 0]))
      const results = body as string[]
      if (status !== 200 || !Array.isArray(results)) return report.wrong.push(`${path} answered ${status}`)
      kinds.forEach((kind, i) => {
        const ok = results[i] === 'ok'
        if ((kind === 'tiny') !== ok) report.wrong.push(`${path}: call ${i} (${kind}) gave ${results[i]}`)
        // A call refused by a full queue never ran; every other call ran exactly once.
        checks.push([`${id}.${i}`, results[i] === 'PoolQueueFullError' ? 0 : 1])
      })
    } else {
      const kind = route as FaultKind
      if (status === 503) return checks.push([id, 0])
      if (!expected[kind].includes(status))
        report.wrong.push(`${path} answered ${status}, not ${expected[kind]}`)
      checks.push([id, 1])
    }
  }

  const lane = async () => {
    while (Date.now() < deadline && n < max) await one()
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, lane))
  if (sampler) clearInterval(sampler)
  if (samples.length > 0)
    report.rss = { first: samples[0]!, max: Math.max(...samples), last: samples.at(-1)! }
  // Calls that failed on a lost worker may have recorded their run a moment before it went.
  const runs = recordedRuns(options.record)
  for (const [id, want] of checks) {
    const got = runs.get(id) ?? 0
    if (got !== want) report.runs.push(`${id}: ran ${got} times, expected ${want}`)
  }
  report.calls = checks.length
  return report
}
