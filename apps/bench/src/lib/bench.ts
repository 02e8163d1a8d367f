import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { CpuSampler, machineLoad } from './cpu.ts'
import { type RunningServer, startServer } from './process.ts'
import { median, medianIndex } from './stats.ts'
import type { CheckResult, RunResult, Scenario, ServerSpec } from './types.ts'
import { rate, runWrk } from './wrk.ts'
import { runWsLoad } from './ws-load.ts'

export interface BenchOptions {
  runs: number
  /** Seconds of each measured run. */
  duration: number
  /** Seconds of load before each measured run, not recorded. */
  warmup: number
  /** Server ids to keep (all when empty). */
  only: string[]
  /**
   * Seconds the whole scenario may spend on a busy machine: waiting (at most 10 s before a run) for other
   * work to calm down, and measuring a noisy run once more. 0: neither.
   */
  patience: number
}

/** The longest wait for a quiet machine before one run. */
const MAX_WAIT = 10

/** A run is noisy when other processes (foreign) or the host (steal) took more than this % of a core. */
export const NOISE_LIMIT = 15

export function isNoisy(run: RunResult): boolean {
  return run.foreignCpu + run.stealCpu > NOISE_LIMIT
}

export interface ServerOutcome {
  spec: ServerSpec
  runs: RunResult[]
  /** Noisy runs measured again (the noisy measurement discarded). */
  retried: number
  check?: CheckResult
  /** Why the server was not measured, or stopped being measured. */
  error?: string
}

export interface Summary {
  rps: number
  min: number
  max: number
  /** The run whose req/s is the median: its latencies are the ones reported. */
  medianRun: RunResult
  /** Median of req/s divided by the server's CPU share (cores): requests per CPU-second. */
  perCore: number
  serverCpu: number
  foreignCpu: number
  stealCpu: number
  /** Median of the server's CPU per request, in µs (all its processes). */
  cost: number
  loadCpu: number
  rootCpu: number
  /** The most processes the server had at once, over the runs. */
  processes: number
}

/** µs of the server's CPU (all its processes) per request in one run. */
export function cpuPerRequest(run: RunResult): number {
  return ((run.serverCpu / 100) * 1e6) / run.rps
}

export interface ScenarioResult {
  outcomes: ServerOutcome[]
  /** Seconds spent waiting for a quiet machine, and runs started while it was still busy. */
  waited: number
  busyStarts: number
  /** The machine's own load (% of one core) over 1 s before any server started, and its 1-minute load average. */
  before: { busy: number; steal: number; loadAverage: number }
}

export function summarize(outcome: ServerOutcome): Summary | undefined {
  if (outcome.error !== undefined || outcome.runs.length === 0) return undefined
  const rates = outcome.runs.map((r) => r.rps)
  return {
    rps: median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
    medianRun: outcome.runs[medianIndex(rates)]!,
    perCore: median(outcome.runs.map((r) => r.rps / (r.serverCpu / 100))),
    serverCpu: median(outcome.runs.map((r) => r.serverCpu)),
    foreignCpu: median(outcome.runs.map((r) => r.foreignCpu)),
    stealCpu: median(outcome.runs.map((r) => r.stealCpu)),
    cost: median(outcome.runs.map(cpuPerRequest)),
    loadCpu: median(outcome.runs.map((r) => r.loadCpu)),
    rootCpu: median(outcome.runs.map((r) => r.rootCpu)),
    processes: Math.max(...outcome.runs.map((r) => r.processes)),
  }
}

const log = (message: string) => process.stderr.write(`${message}\n`)

/**
 * Waits, in half-second looks, until other work takes less than NOISE_LIMIT % of a core (the servers
 * are idle meanwhile), for at most `seconds`. Resolves to the seconds waited and whether it got quiet.
 */
async function waitQuiet(seconds: number): Promise<{ waited: number; quiet: boolean }> {
  const start = performance.now()
  for (;;) {
    const load = await machineLoad(500)
    const waited = (performance.now() - start) / 1000
    if (load.busy + load.steal < NOISE_LIMIT) return { waited: waited - 0.5, quiet: true }
    if (waited >= seconds) return { waited, quiet: false }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Writes the POST body where lua/post.lua reads it (apps/bench/.tmp/, git-ignored). */
function bodyFile(scenario: Scenario): string | undefined {
  if (scenario.load.body === undefined || scenario.load.protocol === 'websocket') return undefined
  const dir = fileURLToPath(new URL('../../.tmp/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const file = `${dir}${scenario.name}-body.json`
  writeFileSync(file, JSON.stringify(scenario.load.body))
  return file
}

/** One measured run of one server: wrk (and the paced probe for CPU routes) with CPU sampling. */
async function measure(scenario: Scenario, server: RunningServer, seconds: number, body?: string) {
  const { load } = scenario
  const main =
    load.protocol === 'websocket'
      ? runWsLoad({
          url: server.url.replace(/^http/, 'ws') + load.path,
          connections: load.connections,
          seconds,
          message: JSON.stringify(load.body),
        })
      : runWrk({
          url: server.url + load.path,
          connections: load.connections,
          seconds,
          script: load.method === 'POST' ? 'post.lua' : 'report.lua',
          ...(load.headers ? { headers: load.headers } : {}),
          ...(body ? { scriptArgs: [body] } : {}),
        })
  const probe = load.probe
    ? runWrk({
        url: server.url + load.probe.path,
        connections: 1,
        seconds,
        script: 'probe.lua',
        scriptArgs: [String(load.probe.rate)],
      })
    : undefined
  const sampler = new CpuSampler(server.pid, probe ? [main.pid, probe.pid] : [main.pid])
  try {
    const [mainResult, probeResult] = await Promise.all([main.result, probe?.result])
    const result: RunResult = { rps: rate(mainResult), main: mainResult, ...sampler.stop() }
    if (probeResult) result.probe = probeResult
    return result
  } finally {
    sampler.stop()
  }
}

/** Starts the servers, checks them, then measures them alternately (A B A B ...) and stops them. */
export async function runScenario(scenario: Scenario, options: BenchOptions): Promise<ScenarioResult> {
  const before = { ...(await machineLoad()), loadAverage: loadavg()[0]! }
  log(
    `[${scenario.name}] machine before start: ${Math.round(before.busy)}% busy, ${Math.round(before.steal)}% steal`,
  )
  const specs = scenario.servers.filter((s) => options.only.length === 0 || options.only.includes(s.id))
  const outcomes: ServerOutcome[] = specs.map((spec) => ({ spec, runs: [], retried: 0 }))
  const running = new Map<ServerOutcome, RunningServer>()
  const body = bodyFile(scenario)
  let waited = 0
  let busyStarts = 0
  let budget = options.patience
  const quietly = async (what: string) => {
    if (budget <= 0) return
    const { waited: w, quiet } = await waitQuiet(Math.min(MAX_WAIT, budget))
    waited += w
    budget -= w
    if (!quiet) busyStarts++
    if (w >= 1 || !quiet) {
      log(
        `[${scenario.name}] ${what}: waited ${w.toFixed(1)} s for a quiet machine${quiet ? '' : ', starting anyway'}`,
      )
    }
  }
  try {
    for (const outcome of outcomes) {
      try {
        const { file, env, runtime, readyLine } = outcome.spec
        const server = await startServer(file, env, undefined, runtime, readyLine)
        running.set(outcome, server)
        outcome.check = await scenario.check(server.url)
        if (outcome.check.problems.length > 0) {
          outcome.error = `correctness check failed: ${outcome.check.problems.join('; ')}`
        }
        log(
          `[${scenario.name}] ${outcome.spec.label}: pid ${server.pid}, port ${server.port}, ${outcome.error ?? 'check ok'}`,
        )
      } catch (error) {
        outcome.error = `did not start: ${describe(error)}`
        log(`[${scenario.name}] ${outcome.spec.label}: ${outcome.error}`)
      }
    }
    for (let run = 1; run <= options.runs; run++) {
      for (const outcome of outcomes) {
        const server = running.get(outcome)
        if (outcome.error !== undefined || server === undefined) continue
        try {
          await quietly(`run ${run}/${options.runs} ${outcome.spec.label}`)
          if (options.warmup > 0) await measure(scenario, server, options.warmup, body)
          let result = await measure(scenario, server, options.duration, body)
          if (isNoisy(result) && budget >= options.duration) {
            log(
              `[${scenario.name}] run ${run}/${options.runs} ${outcome.spec.label}: machine busy (foreign ` +
                `${Math.round(result.foreignCpu)}%, steal ${Math.round(result.stealCpu)}%), measuring again`,
            )
            outcome.retried++
            budget -= options.duration
            await quietly(`run ${run}/${options.runs} ${outcome.spec.label} (again)`)
            result = await measure(scenario, server, options.duration, body)
          }
          outcome.runs.push(result)
          const probe = result.probe
            ? `, /health p99 ${(result.probe.latency_us.p99 / 1000).toFixed(2)} ms`
            : ''
          log(
            `[${scenario.name}] run ${run}/${options.runs} ${outcome.spec.label}: ${Math.round(result.rps)} req/s, ` +
              `p99 ${(result.main.latency_us.p99 / 1000).toFixed(2)} ms${probe}, server CPU ${Math.round(result.serverCpu)}%` +
              (result.processes > 1
                ? ` (${result.processes} processes; the first ${Math.round(result.rootCpu)}%)`
                : ''),
          )
        } catch (error) {
          outcome.error = `failed during run ${run}: ${describe(error)}\n${server.output()}`
          log(`[${scenario.name}] ${outcome.spec.label}: ${outcome.error}`)
        }
      }
    }
  } finally {
    for (const server of running.values()) await server.stop()
  }
  return { outcomes, before, waited, busyStarts }
}
