// NATS dispatch: a trivial blocking function, add(a, b), called through Tandem's NATS scheduler on a
// tandem-nats-worker process, against raw NATS request/reply (`@nats-io/transport-node`) to a
// responder process doing the same work (decode, add, encode), on the same nats-server, in the same
// run: contenders alternate within each round (A B C ... A B C ...), every process running
// throughout. Reported: the round trip with one call in flight (median, p90, p99), calls/s with 64 in
// flight, the CPU per call of each process, and the ratios Tandem / raw with their per-round range.
// Writes results/nats-dispatch.md (results/nats-dispatch-bun.md when run with `bun`).
//   pnpm --filter @tandem/bench exec node src/nats/dispatch.ts [--rounds 7] [--calls 5000]
//     [--seconds 3] [--in-flight 64] [--threads 4] [--patience 60] [--no-save]
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { deserialize, serialize } from 'node:v8'
import { connect, createInbox } from '@nats-io/transport-node'
import { type Scheduler, setScheduler } from '@tandem/core/adapter'
import { type NatsScheduler, natsScheduler } from '@tandem/nats'
import { machineLoad, processTicks, systemTicks, ticksPerSecond } from '../lib/cpu.ts'
import { environment } from '../lib/machine.ts'
import { type Child, natsServerVersion, startChild, startNatsServer, startNatsWorker } from '../lib/nats.ts'
import { alignedTable, median } from '../pool/report.ts'
import { addBlocking } from './functions.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    calls: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '64' },
    threads: { type: 'string', default: '4' },
    patience: { type: 'string', default: '60' },
    'no-save': { type: 'boolean', default: false },
  },
})
const whole = (name: string, text: string) => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number ≥ 1, got '${text}'`)
    process.exit(2)
  }
  return n
}
const rounds = whole('rounds', values.rounds)
const calls = whole('calls', values.calls)
const seconds = whole('seconds', values.seconds)
const inFlight = whole('in-flight', values['in-flight'])
const threads = whole('threads', values.threads)
let budget = Number(values.patience)

const bun = process.versions.bun !== undefined
const runtime = bun ? 'Bun' : 'Node'
const entry = fileURLToPath(new URL('./functions.ts', import.meta.url))
const responderFile = fileURLToPath(new URL('./responder.ts', import.meta.url))
const log = (line: string) => process.stderr.write(`${line}\n`)

/** A way of calling add(a, b), with the processes (besides this one) whose CPU is its own. */
interface Contender {
  id: string
  label: string
  remote: () => number[]
  /** Makes it the current scheduler (Tandem contenders) before its turn. */
  enter(): void
  call(a: number, b: number): Promise<number>
}

/** CPU and machine figures of one phase: µs of CPU per call by process, foreign and steal in % of a core. */
interface CpuPerCall {
  client: number
  remote: number
  nats: number
  total: number
  foreign: number
  steal: number
}

interface Phase<T> {
  value: T
  cpu: CpuPerCall
}

interface RoundResult {
  rtt: Phase<{ p50: number; p90: number; p99: number }>
  rate: Phase<number>
}

// ---- processes ------------------------------------------------------------------------------------

const children: Child[] = []
const schedulers: NatsScheduler[] = []
let server: Awaited<ReturnType<typeof startNatsServer>> | undefined
let pool: (Scheduler & { start(): Promise<void> }) | undefined
let stopping: Promise<void> | undefined

function stopAll(): Promise<void> {
  stopping ??= (async () => {
    setScheduler(undefined)
    for (const scheduler of schedulers) await scheduler.terminate().catch(() => {})
    await Promise.all(children.map((child) => child.stop('SIGTERM', 3000)))
    await pool?.close().catch(() => {})
    await server?.stop()
  })()
  return stopping
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().then(() => process.exit(130))
  })
}

/** A NATS scheduler on its own subject with one tandem-nats-worker of `concurrency` threads. */
async function tandem(id: string, concurrency: number): Promise<Contender> {
  const subject = `bench-${process.pid}-${id}`
  const worker = startNatsWorker(entry, server!.url, subject, concurrency)
  children.push(worker)
  const scheduler = await natsScheduler({ servers: server!.url, subject, discover: 0 })
  schedulers.push(scheduler)
  try {
    await scheduler.waitForWorkers(1, 20_000)
  } catch (error) {
    throw new Error(`${(error as Error).message}\nworker output:\n${worker.output()}`)
  }
  return {
    id,
    label: `Tandem natsScheduler → tandem-nats-worker --concurrency ${concurrency}`,
    remote: () => [worker.pid],
    enter: () => setScheduler(scheduler),
    call: (a, b) => addBlocking(a, b),
  }
}

/** A responder process on its own subject: computing the sum itself, or on a one-thread Tandem pool. */
async function responder(id: string, mode: 'inline' | 'pool'): Promise<{ subject: string; pid: number }> {
  const subject = `bench-${process.pid}-${id}`
  const args = [responderFile, server!.url, subject, ...(mode === 'pool' ? ['pool'] : [])]
  const child = startChild(process.execPath, args)
  children.push(child)
  const deadline = Date.now() + 20_000
  while (!child.output().includes('responder ready')) {
    if (Date.now() > deadline || child.child.exitCode !== null) {
      throw new Error(`the responder did not start:\n${child.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { subject, pid: child.pid }
}

/** Raw `nc.request()` (the client's request/reply: a shared inbox, a promise and a timer per request). */
async function raw(id: string, label: string, to: { subject: string; pid: number }): Promise<Contender> {
  const nc = await connect({ servers: server!.url, name: `bench-requester ${id}` })
  return {
    id,
    label,
    remote: () => [to.pid],
    enter: () => setScheduler(undefined),
    call: async (a, b) =>
      deserialize((await nc.request(to.subject, serialize([a, b]), { timeout: 10_000 })).data),
  }
}

/**
 * Raw request/reply the way Tandem's scheduler does it: one subscription with a callback on an inbox
 * of its own, `publish` with a reply subject per call, answers matched by id (no timer).
 */
async function rawInbox(id: string, to: { subject: string; pid: number }): Promise<Contender> {
  const nc = await connect({ servers: server!.url, name: `bench-requester ${id}` })
  const inbox = createInbox()
  const pending = new Map<number, (sum: number) => void>()
  nc.subscribe(`${inbox}.*`, {
    callback: (_error, msg) => {
      const call = Number(msg.subject.slice(inbox.length + 1))
      const resolve = pending.get(call)
      pending.delete(call)
      resolve?.(deserialize(msg.data))
    },
  })
  let next = 0
  return {
    id,
    label: 'raw NATS, callback inbox + publish (as the scheduler) → the same responder',
    remote: () => [to.pid],
    enter: () => setScheduler(undefined),
    call: (a, b) =>
      new Promise<number>((resolve) => {
        const call = next++
        pending.set(call, resolve)
        nc.publish(to.subject, serialize([a, b]), { reply: `${inbox}.${call}` })
      }),
  }
}

/** The local thread pool of this process (1 thread), for reference. */
async function local(): Promise<Contender> {
  const made = bun
    ? (await import('@tandem/bun')).createBunPool(entry, { size: 1 })
    : (await import('@tandem/node')).createNodePool(entry, { size: 1 })
  await made.start()
  pool = made
  return {
    id: 'local',
    label: `local thread pool in this process (${bun ? 'createBunPool' : 'createNodePool'}, 1 thread)`,
    remote: () => [],
    enter: () => setScheduler(made),
    call: (a, b) => addBlocking(a, b),
  }
}

// ---- measuring ------------------------------------------------------------------------------------

interface Ticks {
  at: number
  client: number
  remote: number
  nats: number
  busy: number
  steal: number
}

function ticks(contender: Contender): Ticks {
  let remote = 0
  for (const pid of contender.remote()) remote += processTicks(pid) ?? 0
  return {
    at: performance.now(),
    client: processTicks(process.pid) ?? 0,
    remote,
    nats: processTicks(server!.pid) ?? 0,
    ...systemTicks(),
  }
}

function cpuPerCall(before: Ticks, after: Ticks, count: number): CpuPerCall {
  const hz = ticksPerSecond()
  const micros = (t: number) => (t / hz / count) * 1e6
  const elapsed = (after.at - before.at) / 1000
  const percent = (t: number) => (t / hz / elapsed) * 100
  const client = after.client - before.client
  const remote = after.remote - before.remote
  const nats = after.nats - before.nats
  return {
    client: micros(client),
    remote: micros(remote),
    nats: micros(nats),
    total: micros(client + remote + nats),
    foreign: Math.max(0, percent(after.busy - before.busy - client - remote - nats)),
    steal: percent(after.steal - before.steal),
  }
}

const NOISE = 15
const noisy = (cpu: CpuPerCall) => cpu.foreign + cpu.steal > NOISE
let noisyKept = 0
let retried = 0
let waited = 0

/** Runs a phase, once more if the machine was busy during it and the patience allows. */
async function phase<T>(
  contender: Contender,
  run: () => Promise<{ value: T; count: number }>,
  cost: number,
): Promise<Phase<T>> {
  for (let attempt = 0; ; attempt++) {
    const before = ticks(contender)
    const { value, count } = await run()
    const cpu = cpuPerCall(before, ticks(contender), count)
    if (!noisy(cpu)) return { value, cpu }
    if (attempt > 0 || budget < cost) {
      noisyKept++
      return { value, cpu }
    }
    retried++
    budget -= cost
    log(`  ${contender.id}: busy machine (foreign ${cpu.foreign.toFixed(0)}%), measuring again`)
  }
}

/** Waits, in half-second looks, for other work under NOISE % of a core, at most 10 s (and the budget). */
async function quiet(): Promise<void> {
  const limit = Math.min(10, budget)
  const start = performance.now()
  while (limit > 0) {
    const load = await machineLoad(500)
    const spent = (performance.now() - start) / 1000
    if (load.busy + load.steal < NOISE || spent >= limit) break
  }
  const spent = (performance.now() - start) / 1000 - 0.5
  if (spent > 0) {
    waited += spent
    budget -= spent
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

async function roundTrips(
  contender: Contender,
): Promise<{ value: RoundResult['rtt']['value']; count: number }> {
  const times = new Float64Array(calls)
  for (let i = 0; i < calls; i++) {
    const start = performance.now()
    const sum = await contender.call(i, 1)
    times[i] = (performance.now() - start) * 1000
    if (sum !== i + 1) throw new Error(`${contender.id}: add(${i}, 1) gave ${sum}`)
  }
  times.sort()
  return {
    value: { p50: percentile(times, 0.5), p90: percentile(times, 0.9), p99: percentile(times, 0.99) },
    count: calls,
  }
}

/** Calls that failed under load, by contender, with the first message of each kind. */
const failures = new Map<string, { count: number; messages: Set<string> }>()

/** `inFlight` calls at all times for `duration` s: calls/s of those that succeeded; failures are counted. */
async function throughput(contender: Contender, duration: number): Promise<{ value: number; count: number }> {
  let done = 0
  let active = 0
  const start = performance.now()
  const end = start + duration * 1000
  await new Promise<void>((resolve) => {
    const next = () => {
      if (performance.now() >= end) {
        if (active === 0) resolve()
        return
      }
      active++
      contender.call(done, 1).then(
        () => {
          active--
          done++
          next()
        },
        (error: Error) => {
          active--
          const failed = failures.get(contender.id) ?? { count: 0, messages: new Set<string>() }
          failed.count++
          if (failed.messages.size < 3) failed.messages.add(`${error.name}: ${error.message}`)
          failures.set(contender.id, failed)
          next()
        },
      )
    }
    for (let i = 0; i < inFlight; i++) next()
  })
  return { value: done / ((performance.now() - start) / 1000), count: done }
}

/**
 * The codec's share, in this process: µs to encode then decode (node:v8's serializer: V8's on Node, JavaScriptCore's on Bun) the messages of one
 * call, Tandem's (`{ t: 'call', id, s, key, fn, args, timeout }` and `{ t: 'ok', value }`, as
 * @tandem/nats's wire.ts) against raw's (`[a, b]` and the sum). Median of 5 batches of 20,000.
 */
function codec(): { tandem: number; raw: number } {
  const time = (messages: unknown[]) => {
    const batches: number[] = []
    for (let batch = 0; batch < 6; batch++) {
      const start = performance.now()
      for (let i = 0; i < 20_000; i++) for (const message of messages) deserialize(serialize(message))
      if (batch > 0) batches.push(((performance.now() - start) * 1000) / 20_000)
    }
    return median(batches)
  }
  const call = {
    t: 'call',
    id: 123_456,
    s: 'CKS3QDd0Z4nC3LmWq0tHxB',
    key: '3f9a0c2e8b7d6a51',
    fn: 0,
    args: [41, 1],
    timeout: 0,
  }
  return { tandem: time([call, { t: 'ok', value: 42 }]), raw: time([[41, 1], 42]) }
}

// ---- the run --------------------------------------------------------------------------------------

const env = environment('', ['@tandem/core', '@tandem/node', '@tandem/nats', '@nats-io/transport-node'], bun)
const before = await machineLoad()
const loadAverage = loadavg()[0]!.toFixed(2)
log(
  `[nats-dispatch] ${runtime}; machine before start: ${before.busy.toFixed(0)}% busy, ${before.steal.toFixed(0)}% steal`,
)
const results = new Map<string, RoundResult[]>()
let contenders: Contender[] = []
try {
  server = await startNatsServer()
  contenders = [
    await tandem('nats-1', 1),
    await tandem(`nats-${threads}`, threads),
    await raw(
      'raw',
      'raw NATS `nc.request` → responder process (decode, add, encode)',
      await responder('raw', 'inline'),
    ),
  ]
  contenders.push(
    await rawInbox('raw-inbox', await responder('raw-inbox', 'inline')),
    await raw(
      'raw-pool',
      'raw NATS `nc.request` → responder process that adds on a 1-thread Tandem pool',
      await responder('raw-pool', 'pool'),
    ),
    await local(),
  )
  for (const contender of contenders) {
    contender.enter()
    for (let i = 0; i < 500; i++) await contender.call(i, 1)
    results.set(contender.id, [])
  }
  for (let round = 1; round <= rounds; round++) {
    for (const contender of contenders) {
      await quiet()
      contender.enter()
      for (let i = 0; i < 200; i++) await contender.call(i, 1)
      const rtt = await phase(contender, () => roundTrips(contender), 1)
      await throughput(contender, 0.5)
      const rate = await phase(contender, () => throughput(contender, seconds), seconds)
      results.get(contender.id)!.push({ rtt, rate })
      log(
        `[nats-dispatch] round ${round}/${rounds} ${contender.id}: RTT p50 ${rtt.value.p50.toFixed(1)} µs, ` +
          `p99 ${rtt.value.p99.toFixed(1)} µs; ${Math.round(rate.value)} calls/s at ${inFlight} in flight; ` +
          `CPU/call ${rate.cpu.total.toFixed(1)} µs (foreign ${rate.cpu.foreign.toFixed(0)}%)` +
          (failures.has(contender.id) ? `; ${failures.get(contender.id)!.count} failed calls so far` : ''),
      )
    }
  }
} finally {
  await stopAll()
}
const codecCost = codec()

// ---- the report -----------------------------------------------------------------------------------

const byId = (id: string) => results.get(id)!
const med = (id: string, pick: (r: RoundResult) => number) => median(byId(id).map(pick))
const range = (id: string, pick: (r: RoundResult) => number) => {
  const all = byId(id).map(pick)
  return `${fmt(Math.min(...all))}–${fmt(Math.max(...all))}`
}
const fmt = (n: number) => (n >= 1000 ? Math.round(n).toLocaleString('en') : n.toFixed(1))
const p50 = (r: RoundResult) => r.rtt.value.p50
const p90 = (r: RoundResult) => r.rtt.value.p90
const p99 = (r: RoundResult) => r.rtt.value.p99
const callsPerSecond = (r: RoundResult) => r.rate.value

/** `1.42x (by round 1.38–1.47x)`: the ratio of the medians, and the range of the per-round ratio. */
function ratio(a: string, b: string, pick: (r: RoundResult) => number): { value: number; text: string } {
  const value = med(a, pick) / med(b, pick)
  const rounds = byId(a).map((r, i) => pick(r) / pick(byId(b)[i]!))
  return {
    value,
    text: `**${value.toFixed(2)}x** (by round ${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}x)`,
  }
}

const nThreads = `nats-${threads}`
const rttRatio = ratio('nats-1', 'raw', p50)
const split = (phase: 'rtt' | 'rate', id: string) => {
  const cpu = (pick: (c: CpuPerCall) => number) => fmt(med(id, (r) => pick(r[phase].cpu)))
  return `${cpu((c) => c.client)} / ${cpu((c) => c.remote)} / ${cpu((c) => c.nats)} = ${cpu((c) => c.total)}`
}
const hop = med('raw-pool', p50) - med('raw', p50)
const signed = (n: number) => `${n < 0 ? '−' : '+'}${fmt(Math.abs(n))}`
const lines = [
  `# nats-dispatch${bun ? '-bun' : ''}: a trivial blocking function over NATS against raw NATS request/reply (${runtime})`,
  '',
  'add(a, b) as a `blocking()` function called from async code through `natsScheduler()` on one ' +
    '`tandem-nats-worker` process, against raw request/reply of `@nats-io/transport-node` (`nc.request`) to a ' +
    "responder process that decodes the two numbers (node:v8's serializer, as Tandem's wire), adds and encodes the sum; all " +
    'on one local nats-server, every process on this machine. Three more contenders split the difference: ' +
    "raw request/reply done as Tandem's scheduler does it (a callback subscription on its own inbox and " +
    '`publish` with a reply subject, no per-request timer), the raw responder adding on a one-thread Tandem ' +
    "pool (the worker's hop from its NATS loop to its thread), and the local pool of this process (no NATS). " +
    `Round trip: one call in flight, ${calls.toLocaleString('en')} calls per round (after 200 unmeasured); ` +
    `throughput: ${inFlight} calls in flight for ${seconds} s per round (after 0.5 s unmeasured). Each ` +
    'contender has its own worker or responder process, all running throughout; contenders alternate ' +
    `within each round; ${rounds} rounds; figures are the medians of the rounds, (min–max) the range over ` +
    'the rounds. The scheduler sends a worker at most as many calls as it has threads (the rest wait in ' +
    'its queue), so with 1 thread throughput is one round trip at a time; a raw responder takes every ' +
    "request at once. Target (issue): Tandem's round trip at most 1.3x raw.",
  '',
  `- Date: ${env.date}`,
  `- Machine: ${env.machine}`,
  `- ${runtime} ${bun ? process.versions.bun : process.version}; ${natsServerVersion()}; every process (this one, the workers, the responders, nats-server) on the same ${env.machine.split(',')[0]}`,
  `- Packages: ${Object.entries(env.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}`,
  `- Commit: ${env.commit}`,
  `- Command: \`${['pnpm --filter @tandem/bench exec', bun ? 'bun' : 'node', 'src/nats/dispatch.ts', ...process.argv.slice(2)].join(' ')}\``,
  `- Machine load in the second before the run: ${before.busy.toFixed(0)}% busy, ${before.steal.toFixed(0)}% steal (% of one core); 1-minute load average ${loadAverage}; the bench waited ${Math.round(waited)} s in all for a quiet machine.`,
  '',
  ...alignedTable([
    [
      'contender',
      'RTT p50 µs (min–max)',
      'RTT p90 µs',
      'RTT p99 µs',
      `calls/s, ${inFlight} in flight (min–max)`,
      'CPU µs/call, 1 in flight: this / remote / nats-server = total',
      `CPU µs/call, ${inFlight} in flight`,
      'foreign CPU',
      'failed calls',
    ],
    ...contenders.map((c) => [
      c.label,
      `${fmt(med(c.id, p50))} (${range(c.id, p50)})`,
      fmt(med(c.id, p90)),
      fmt(med(c.id, p99)),
      `${fmt(med(c.id, callsPerSecond))} (${range(c.id, callsPerSecond)})`,
      split('rtt', c.id),
      split('rate', c.id),
      `${med(c.id, (r) => Math.max(r.rtt.cpu.foreign, r.rate.cpu.foreign)).toFixed(0)}%`,
      String(failures.get(c.id)?.count ?? 0),
    ]),
  ]),
  '',
  '"CPU µs/call": CPU time (utime + stime from /proc, every thread) per call of this process (the scheduler or ' +
    "requester, and the local pool's thread), of the remote process (the worker or responder) and of " +
    'nats-server, medians of the rounds, with one call in flight (the round-trip phase) and with ' +
    `${inFlight}. "foreign CPU": busy time of the machine used by none of them, % of one core (the larger of ` +
    'the two phases, median of the rounds).',
  '',
  '## Ratios (same run)',
  '',
  `- Round trip p50, Tandem over NATS (1 thread) / raw NATS \`nc.request\`: ${rttRatio.text} (target ≤ 1.3x: ${rttRatio.value <= 1.3 ? 'met' : 'NOT met'})`,
  `- Round trip p90, Tandem / raw \`nc.request\`: ${ratio('nats-1', 'raw', p90).text}`,
  `- Round trip p99, Tandem / raw \`nc.request\`: ${ratio('nats-1', 'raw', p99).text}`,
  `- Round trip p50, Tandem / raw with a callback inbox (the scheduler's own way): ${ratio('nats-1', 'raw-inbox', p50).text}`,
  `- calls/s at ${inFlight} in flight, Tandem (1 thread) / raw \`nc.request\`: ${ratio('nats-1', 'raw', callsPerSecond).text}`,
  `- calls/s at ${inFlight} in flight, Tandem (${threads} threads) / raw \`nc.request\`: ${ratio(nThreads, 'raw', callsPerSecond).text}`,
  `- Round trip p50, raw \`nc.request\` / raw with a callback inbox: ${ratio('raw', 'raw-inbox', p50).text}`,
  `- Round trip p50, raw + a Tandem pool hop in the responder / raw: ${ratio('raw-pool', 'raw', p50).text}`,
  `- Round trip p50, Tandem over NATS / the local pool: ${ratio('nats-1', 'local', p50).text}`,
  '',
  '## Where the round trip goes (p50, medians of the rounds; differences of medians, noisy when the rounds are)',
  '',
  `- Raw request/reply with a callback inbox: ${fmt(med('raw-inbox', p50))} µs: two trips through ` +
    'nats-server, each a write, a nats-server read and write, a read, on loopback.',
  `- \`nc.request\` itself (a shared inbox, a promise and a timer per request): raw − raw with a callback ` +
    `inbox = ${signed(med('raw', p50) - med('raw-inbox', p50))} µs. The target's baseline pays it; Tandem's scheduler does not.`,
  `- A hop from a NATS loop to a pool thread and back, which a call routed through a worker's event loop ` +
    `pays (a request's calls and steps): raw + pool hop − raw = ${signed(hop)} µs (the local ` +
    `pool's whole round trip, in a process with nothing else to run: ${fmt(med('local', p50))} µs). The call ` +
    `measured here (no request) does not: the worker's thread takes it off NATS itself.`,
  `- Tandem's protocol (the scheduler's queue and bookkeeping, the thread's checks and shared-memory ` +
    `records, larger messages): Tandem − raw with a callback inbox = ${signed(med('nats-1', p50) - med('raw-inbox', p50))} µs. ` +
    `Encoding and decoding Tandem's two messages of a call (node:v8) takes ${codecCost.tandem.toFixed(1)} µs in this ` +
    `process, raw's ${codecCost.raw.toFixed(1)} µs.`,
  '',
]
if (retried > 0 || noisyKept > 0) {
  lines.push(
    `${retried} phase(s) were measured again because other work took more than ${NOISE}% of a core during them` +
      (noisyKept > 0 ? `; ${noisyKept} noisy phase(s) were kept (patience spent).` : '.'),
    '',
  )
}
if (failures.size > 0) {
  lines.push(
    '## Failed calls',
    '',
    '"failed calls": calls that rejected during the throughput phases (warm-ups included), all rounds; ' +
      'calls/s counts the calls that succeeded. First messages:',
    '',
  )
  for (const [id, failed] of failures) {
    for (const message of failed.messages) lines.push(`- ${id} (${failed.count} in all): ${message}`)
  }
  lines.push('')
}
const text = lines.join('\n')
console.log(text)
if (!values['no-save']) {
  const file = fileURLToPath(new URL(`../../results/nats-dispatch${bun ? '-bun' : ''}.md`, import.meta.url))
  writeFileSync(file, text)
  log(`written: ${file}`)
}
process.exit(0)
