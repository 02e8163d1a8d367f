import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'
import {
  compatibilityFlags,
  DEFAULT_COMPATIBILITY_DATE,
  workerdBundle,
  workerdConfig,
} from './workerd-config.ts'

/**
 * Runs an app as a real runtime process for HTTP-level tests: `node` (Node 24, the one running the
 * tests), the `bun` binary from the `bun` package, or `workerd serve` from the `workerd` package.
 * Every server listens on a free loopback port and is stopped by its PID.
 */

export type Runtime = 'node' | 'bun' | 'workerd'

/** A running server process. */
export interface RuntimeProcess {
  runtime: Runtime
  url: string
  pid: number
  /** Everything the process printed so far. */
  output(): string
  /** Stops it (SIGTERM by default) and resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

const require = createRequire(import.meta.url)

/** The path of the `bun` binary that the `bun` npm package installed. */
export function bunBinary(): string {
  return join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe')
}

/** The path of the `workerd` binary that the `workerd` npm package installed. */
export function workerdBinary(): string {
  return join(dirname(require.resolve('workerd/package.json')), 'bin', 'workerd')
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function watch(runtime: Runtime, child: ChildProcess, url: string, cleanup: () => Promise<void>) {
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const proc: RuntimeProcess = {
    runtime,
    url,
    pid: child.pid!,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal)
      const code = await exited
      await cleanup()
      return code
    },
  }
  return { proc, exited }
}

async function ready(
  proc: RuntimeProcess,
  exited: Promise<number | null>,
  timeout = 30_000,
): Promise<RuntimeProcess> {
  let done = false
  const died = exited.then((code) => {
    if (!done) throw new Error(`${proc.runtime} exited with code ${code} before answering:\n${proc.output()}`)
  })
  const deadline = Date.now() + timeout
  const poll = (async () => {
    for (;;) {
      try {
        await fetch(proc.url, { signal: AbortSignal.timeout(1000) })
        return
      } catch {
        if (Date.now() > deadline)
          throw new Error(`${proc.runtime} did not answer on ${proc.url} in time:\n${proc.output()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  })()
  try {
    await Promise.race([poll, died])
  } catch (error) {
    await proc.stop('SIGKILL')
    throw error
  } finally {
    done = true
  }
  return proc
}

/**
 * Starts `node <entry>` (or `bun <entry>`) with `PORT` set to a free port; the entry serves the app
 * there (`serve(app, { port: Number(process.env.PORT) })`). Resolves once it answers HTTP.
 */
export async function startProcess(
  runtime: 'node' | 'bun',
  entry: string,
  env: Record<string, string> = {},
): Promise<RuntimeProcess> {
  const port = await freePort()
  const binary = runtime === 'node' ? process.execPath : bunBinary()
  const child = spawn(binary, [entry], {
    cwd: dirname(entry),
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const { proc, exited } = watch(runtime, child, `http://127.0.0.1:${port}`, async () => {})
  return ready(proc, exited)
}

/** Options of `startWorkerd`. */
export interface WorkerdOptions {
  /** The Worker's compatibility date (default: `2026-10-01`). */
  compatibilityDate?: string
  /**
   * Turns on `enable_request_signal` (default: `true`): a request's `signal` (so Tandem's
   * `ctx.signal`) aborts when the client disconnects. The flag has no default date, so without it
   * the signal never fires. `false` serves the Worker without it.
   */
  requestSignal?: boolean
  /** More compatibility flags, added to the defaults. */
  compatibilityFlags?: string[]
  /**
   * Also copies what workerd prints (the Worker's `console` output: Tandem's logs, the app's own
   * lines) to this process's stdout and stderr as it comes, as a server started by hand would
   * show it. `output()` keeps it either way.
   */
  echo?: boolean
  /** Text bindings (`env.NAME`). */
  bindings?: Record<string, string>
  /** Durable Object classes exported by the entry, by binding name: `{ SHOP: 'Shop' }` (SQLite-backed). */
  durableObjects?: Record<string, string>
  /** A folder for Durable Object storage (kept across restarts); a temporary one by default. */
  storage?: string
  /** The port (default: a free one). */
  port?: number
}

/**
 * Bundles `entry` (whose default export is a fetch handler) with esbuild and serves it with the
 * real `workerd serve` on a free loopback port, with the given bindings and Durable Objects.
 * `enable_request_signal` is on unless `requestSignal: false`. workerd prints the Worker's
 * `console` output; `output()` collects it, and `echo` shows it too.
 */
export async function startWorkerd(entry: string, options: WorkerdOptions = {}): Promise<RuntimeProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-workerd-'))
  await build(workerdBundle(entry, join(dir, 'worker.js')))
  const port = options.port ?? (await freePort())
  const storage = options.storage ?? join(dir, 'storage')
  const compatibilityDate = options.compatibilityDate ?? DEFAULT_COMPATIBILITY_DATE
  const config = workerdConfig({
    port,
    compatibilityDate,
    flags: compatibilityFlags(compatibilityDate, options.requestSignal !== false, options.compatibilityFlags),
    ...(options.bindings ? { bindings: options.bindings } : {}),
    ...(options.durableObjects ? { durableObjects: options.durableObjects } : {}),
    storage,
  })
  await writeFile(join(dir, 'config.capnp'), config)
  const { mkdir } = await import('node:fs/promises')
  await mkdir(storage, { recursive: true })
  const child = spawn(workerdBinary(), ['serve', 'config.capnp', '--verbose', '--experimental'], {
    cwd: dir,
    // PWD as cwd: else --verbose notes that they differ, first thing.
    env: { ...process.env, PWD: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (options.echo) {
    child.stdout.on('data', (chunk) => process.stdout.write(chunk))
    child.stderr.on('data', (chunk) => process.stderr.write(chunk))
  }
  const { proc, exited } = watch('workerd', child, `http://127.0.0.1:${port}`, () =>
    rm(dir, { recursive: true, force: true }),
  )
  return ready(proc, exited)
}
