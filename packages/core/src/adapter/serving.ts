import type { App, Logger } from '../app.ts'
import { blockingRegistry } from '../execution/blocking.ts'
import { type RequestStorage, setRequestStorage } from '../execution/request-storage.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import { setScheduler } from '../execution/scheduler-registry.ts'
import { DEFAULT_POOL_NICE, niceIsPerThread } from '../pool/pool-types.ts'
import { within } from '../within.ts'
import { startWatchdog, type WatchdogOptions } from './watchdog.ts'

/**
 * The serving lifecycle shared by the server adapters (`@tandem/node`, `@tandem/bun`): install the
 * scheduler, start the lifespan, log what runs, and close gracefully on `close()`, SIGTERM or SIGINT.
 * An adapter only brings its HTTP server and its pool.
 */

/** What an adapter's HTTP server offers the lifecycle once it listens. */
export interface ListeningServer {
  url: string
  /** Stops accepting connections; resolves once the listener has closed. */
  stopAccepting(): Promise<void>
  /** Resolves once no request is in flight (streams included). */
  idle(): Promise<void>
  /** Closes the connections that remain. */
  closeConnections?(): void
}

/** Options of the lifecycle, common to every adapter's `serve()`. */
export interface ServingOptions {
  /** The loop-blocking watchdog (default on, 100 ms); `false` turns it off. */
  watchdog?: WatchdogOptions | false
  /** Close gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean
  /**
   * How long `close()` (and so SIGTERM) waits for in-flight requests and their background tasks, in
   * ms (default 25000: inside a container's usual 30 s grace period). Past it, the remaining
   * connections are closed (their requests' `ctx.signal` aborts) and the teardown goes on.
   */
  shutdownTimeout?: number
  /** Where start-up lines and warnings go (default: the app's logger, start-up lines to stdout). */
  logger?: Logger & { info?(message: string): void }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** How long `close()` waits for in-flight work by default (ms). */
const DEFAULT_SHUTDOWN_TIMEOUT = 25_000
/** After the deadline, how long the closed connections' requests get to unwind (ms). */
const LATE_GRACE = 1000

/**
 * The start-up line describing a pool, naming each setting.
 *
 * @example
 * describePool('worker thread', 4, { maxQueue: 1024, timeout: 0 })
 * // 'pool: 4 worker threads (pool.size), queue up to 1024 calls (pool.maxQueue), timeout none (pool.timeout), nice 10 (pool.nice)'
 */
export function describePool(
  workers: string,
  size: number,
  options: { maxQueue?: number; timeout?: number; nice?: number } | false,
): string {
  if (options === false) return 'pool: off (blocking functions run inline, on the event loop)'
  const timeout = options.timeout ? `${options.timeout} ms` : 'none'
  const queue = plural(options.maxQueue ?? 1024, 'call')
  const nice = niceIsPerThread() ? String(options.nice ?? DEFAULT_POOL_NICE) : 'not applied on this system'
  return (
    `pool: ${plural(size, workers)} (pool.size), queue up to ${queue} (pool.maxQueue), timeout ${timeout} (pool.timeout), ` +
    `nice ${nice} (pool.nice)`
  )
}

/**
 * Refuses, before anything starts, serving options that are not numbers of milliseconds
 * (`shutdownTimeout`, `watchdog.threshold`, `watchdog.quietFor`), naming the option. `serveWith()` calls
 * it first.
 *
 * @example
 * checkServingOptions({ shutdownTimeout: 10_000 })
 */
export function checkServingOptions(options: ServingOptions): void {
  const numbers: [string, unknown][] = [
    ['shutdownTimeout', options.shutdownTimeout],
    ['watchdog.threshold', options.watchdog ? options.watchdog.threshold : undefined],
    ['watchdog.quietFor', options.watchdog ? options.watchdog.quietFor : undefined],
  ]
  for (const [name, value] of numbers) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw new TypeError(
        `serve(): ${name} must be a number of milliseconds, 0 or more (got ${String(value)}).`,
      )
    }
  }
}

/**
 * Before listening: makes `scheduler` the one blocking functions run on, installs the request
 * storage (so utilities follow their request's worker), and runs the lifespan's startup.
 *
 * @example
 * await prepareServing(app, pool, new AsyncLocalStorage())
 */
export async function prepareServing(
  app: App<any, any>,
  scheduler: Scheduler,
  storage?: RequestStorage,
): Promise<void> {
  setScheduler(scheduler)
  // Only a worker pool needs to know which request a blocking utility call belongs to (to run it on
  // that request's worker), and only if there are blocking functions: otherwise no per-request context.
  setRequestStorage(scheduler.remote && blockingRegistry().length > 0 ? storage : undefined)
  try {
    await app.start()
  } catch (error) {
    await abandonServing(scheduler)
    throw error
  }
}

/**
 * Undoes `prepareServing` when the server could not listen.
 *
 * @example
 * try { await listen() } catch (error) { await abandonServing(pool); throw error }
 */
export async function abandonServing(scheduler: Scheduler): Promise<void> {
  await scheduler.close()
  setScheduler(undefined)
  setRequestStorage(undefined)
}

/**
 * Where start-up lines go: the logger's `info`, else stdout with a `[tandem]` prefix.
 *
 * @example
 * startupInfo({})('listening on http://127.0.0.1:8000') // prints "[tandem] listening on http://127.0.0.1:8000"
 */
export function startupInfo(options: ServingOptions): (message: string) => void {
  return options.logger?.info ?? ((message: string) => console.log(`[tandem] ${message}`))
}

/**
 * Once listening: starts the watchdog, logs the URL and the pool, and returns `close()`, which stops
 * accepting, aborts in-flight requests' `ctx.signal`, waits for them, their background tasks and
 * cleanups, closes the pool (each worker's lifespan teardown included), then runs the lifespan's
 * teardown. SIGTERM and SIGINT call it, then exit (0, or 1 if closing failed).
 *
 * @example
 * const close = runServing(app, pool, { url, stopAccepting, idle }, options, describePool('worker thread', 4, {}))
 */
export function runServing(
  app: App<any, any>,
  scheduler: Scheduler,
  server: ListeningServer,
  options: ServingOptions,
  poolLine: string,
): () => Promise<void> {
  const logger = options.logger ?? app.logger
  const info = startupInfo(options)
  const stopWatchdog =
    options.watchdog === false ? () => {} : startWatchdog(app, logger, options.watchdog ?? {})
  const limit = options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      stopWatchdog()
      app.beginShutdown()
      const stopped = server.stopAccepting()
      const drained = (async () => {
        await server.idle()
        await app.settled()
      })()
      let late = false
      if (!(await within(drained, limit))) {
        // A client still sending its body, a handler ignoring ctx.signal, a background task that
        // does not end: the deadline is the server's, not theirs.
        late = true
        logger.warn(
          `Stopping: requests or background tasks were still running ${limit} ms after shutdown began ` +
            '(shutdownTimeout); closing their connections and going on with the teardown.',
        )
        server.closeConnections?.()
        await within(drained, LATE_GRACE)
      }
      const poolClosed = scheduler.close()
      if (!late) await poolClosed
      else if (!(await within(poolClosed, LATE_GRACE)) && scheduler.terminate) {
        logger.warn('Stopping: blocking calls were still running; terminating the pool workers.')
        await scheduler.terminate()
      }
      setScheduler(undefined)
      setRequestStorage(undefined)
      await app.close(late ? { timeout: LATE_GRACE } : {})
      server.closeConnections?.()
      await stopped
    })()
    return closing
  }
  const proc = (globalThis as { process?: SignalledProcess }).process
  if (options.handleSignals !== false && proc) {
    const onSignal = (signal: string) => {
      info(`${signal}: finishing in-flight requests, then stopping.`)
      close().then(
        () => exitFlushed(proc, 0),
        (error) => {
          logger.error('Closing the server failed', error)
          return exitFlushed(proc, 1)
        },
      )
    }
    proc.once('SIGTERM', onSignal)
    proc.once('SIGINT', onSignal)
  }
  const docs = app.config.docs === false ? false : (app.config.docs?.swagger ?? '/docs')
  info(`listening on ${server.url}${docs ? ` (docs: ${server.url}${docs})` : ''}`)
  info(poolLine)
  return close
}

interface SignalledProcess {
  once(event: string, fn: (signal: string) => void): void
  exit(code: number): void
  stdout?: { writableLength?: number; write(chunk: string, done: () => void): boolean }
  stderr?: { writableLength?: number; write(chunk: string, done: () => void): boolean }
}

/**
 * Exits once what was written to stdout and stderr is out (2 s at most): a pipe the reader is slow
 * to empty holds the last lines (the teardown's logs) in the process, and `exit()` would drop them.
 */
async function exitFlushed(proc: SignalledProcess, code: number): Promise<void> {
  const flushed = (stream: SignalledProcess['stdout']) =>
    stream && (stream.writableLength ?? 0) > 0
      ? new Promise<void>((resolve) => stream.write('', resolve))
      : Promise.resolve()
  await within(Promise.all([flushed(proc.stdout), flushed(proc.stderr)]), 2000)
  proc.exit(code)
}
