import type { CpuFigures } from './cpu.ts'
/**
 * What runs a server's file: `node` (this harness's Node), `bun` (the workspace's Bun), or `workerd`
 * (the file is a Worker module, bundled with esbuild and served by `workerd serve`).
 */
export type Runtime = 'node' | 'bun' | 'workerd'

/**
 * A server of a scenario: one small file under src/servers/, run as `node <file>` (or `bun <file>`, or
 * bundled for `workerd serve`) with PORT set.
 */
export interface ServerSpec {
  /** Short id, used by ratios and by `--only`. */
  id: string
  /** The name shown in the table. */
  label: string
  /** File name under src/servers/. */
  file: string
  /** Extra environment variables for the server (e.g. a choice of adapter). */
  env?: Record<string, string>
  /**
   * The runtime that runs the file (default `node`, this harness's Node; `bun`: the workspace's Bun;
   * `workerd`: the file's default export served by `workerd serve`, see lib/workerd.ts).
   */
  runtime?: Runtime
  /**
   * A line the server prints once it is ready, awaited after it answers HTTP (e.g. the supervisor's
   * `[tandem] 2 event loops`: the first loop answers before the second listens).
   */
  readyLine?: string
}

/** The paced probe: a second wrk on one connection, about `rate` requests per second, on `path`. */
export interface ProbeSpec {
  path: string
  rate: number
}

/** What wrk sends during a run. */
export interface LoadSpec {
  method: 'GET' | 'POST'
  /** Path and query, e.g. `/orders/42?verbose=true`. */
  path: string
  connections: number
  /** JSON body for POST (sent by lua/post.lua). */
  body?: unknown
  headers?: Record<string, string>
  /** Present for CPU routes: the paced /health probe runs beside the load. */
  probe?: ProbeSpec
  /**
   * `websocket`: the load is ws-client.ts instead of wrk: each connection sends `body` (as JSON) on a
   * WebSocket at `path` and waits for the echo; "requests" are echoes (default `http`).
   */
  protocol?: 'http' | 'websocket'
}

/** Outcome of a scenario's correctness check against one running server. */
export interface CheckResult {
  /** Each entry is a failed expectation; empty means the server answers as the others do. */
  problems: string[]
  /** Extra table columns filled by the check (e.g. `bad body` → `400`). */
  columns: Record<string, string>
}

/** `numerator / denominator` of median req/s, both servers of the same run. */
export interface Ratio {
  label: string
  numerator: string
  denominator: string
  /** When set, the output states whether the ratio is at least this. */
  target?: number
  /**
   * When set, the line also gives the ratio of server CPU per request (µs of the server's CPU, all its
   * processes, per request), numerator / denominator, and states whether it is at most this.
   */
  costTarget?: number
  /** Gives the ratio of server CPU per request as `costTarget` does, with no target. */
  cost?: boolean
}

export interface Scenario {
  name: string
  title: string
  /** What the scenario measures (Markdown, printed in the results file). */
  description: string
  /** Figures from docs/measurements.md to stand beside (Markdown). */
  reference?: string
  servers: ServerSpec[]
  load: LoadSpec
  /** Extra column names that `check` fills. */
  columns?: string[]
  check: (baseUrl: string) => Promise<CheckResult>
  ratios: Ratio[]
  /**
   * Columns of the server's CPU per request, its processes, its first process's CPU (a supervisor's)
   * and wrk's CPU, and a paragraph on them (Markdown) after the table.
   */
  costs?: string
  /** Extra packages whose installed versions the report gives (beside the harness's usual list). */
  packages?: string[]
  /** Versions of the programs the servers start besides Node or Bun (e.g. `nats-server v2.9.10`). */
  tools?: () => string[]
}

export interface WrkErrors {
  connect: number
  read: number
  write: number
  status: number
  timeout: number
}

export interface Latency {
  min: number
  max: number
  mean: number
  stdev: number
  p50: number
  p90: number
  p99: number
  p999: number
}

/** One wrk run, as reported by lua/lib.lua (latencies in microseconds). */
export interface WrkResult {
  requests: number
  duration_us: number
  bytes: number
  errors: WrkErrors
  latency_us: Latency
}

/** One measured run of one server: its load's results and its CPU figures (cpu.ts). */
export interface RunResult extends CpuFigures {
  rps: number
  main: WrkResult
  probe?: WrkResult
}
