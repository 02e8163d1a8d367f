import type { App, Logger } from '../app.ts'

/** Options of the loop-blocking watchdog. */
export interface WatchdogOptions {
  /** Milliseconds the event loop may be held before a warning (default 100). */
  threshold?: number
  /**
   * Milliseconds during which the same warning (same routes, same kind) is not logged again, only
   * counted, so an overloaded server does not flood its log (default 10000; 0 logs every one).
   */
  quietFor?: number
}

interface Span {
  route: string
  start: number
  end: number
}

const RECENT = 256

/**
 * Warns when the event loop was held longer than `threshold` ms, naming the route(s) whose
 * requests were in progress then, and suggesting `blocking()`. A timer checks its own lateness;
 * requests are recorded (route, start, end) so a handler that blocked and finished in the same
 * turn is still found.
 *
 * @example
 * const stop = startWatchdog(app, logger, { threshold: 100 })
 */
export function startWatchdog(app: App<any, any>, logger: Logger, options: WatchdogOptions = {}): () => void {
  const threshold = options.threshold ?? 100
  const interval = Math.max(5, Math.floor(threshold / 4))
  // A ring of the latest requests (in flight ones have end = Infinity): cheap to record per request.
  const recent: (Span | undefined)[] = new Array(RECENT)
  let next = 0
  app.observe({
    start: (route) => {
      const span = { route, start: performance.now(), end: Number.POSITIVE_INFINITY }
      recent[next] = span
      next = (next + 1) % RECENT
      return span
    },
    end: (token) => {
      ;(token as Span).end = performance.now()
    },
  })
  const quietFor = options.quietFor ?? 10_000
  // Per warning (routes and kind): when it was last logged, and the repeats not logged since.
  const said = new Map<string, { at: number; repeats: number; longest: number }>()
  let last = performance.now()
  let lastCpu = threadCpu()
  const timer = setInterval(() => {
    const now = performance.now()
    const held = now - last - interval
    last = now
    const cpu = threadCpu()
    const used = cpu !== undefined && lastCpu !== undefined ? cpu - lastCpu : undefined
    lastCpu = cpu
    if (held < threshold) return
    const from = now - held
    const routes = new Set<string>()
    for (const span of recent) if (span && span.start <= now && span.end >= from) routes.add(span.route)
    const names = [...routes]
    const who =
      names.length === 0
        ? 'while no route was in progress (startup code, a timer or a background task?)'
        : names.length === 1
          ? `while ${names[0]} was in progress`
          : `while these routes were in progress: ${names.join(', ')}`
    // The loop's own CPU time tells a busy loop from one that was not running: a synchronous wait
    // (sync I/O, Atomics.wait, execSync) or a machine with no core to give.
    const waited =
      used !== undefined && used < held / 2
        ? ` The loop used ${Math.round(used)} ms of CPU meanwhile: it was waiting (synchronous I/O, Atomics.wait, ` +
          'execSync), or the machine had no core to give it (overloaded).'
        : ''
    const key = `${who}|${waited !== ''}`
    const before = said.get(key)
    if (before && now - before.at < quietFor) {
      before.repeats++
      before.longest = Math.max(before.longest, held)
      return
    }
    const repeats = before?.repeats
      ? ` (${before.repeats} more like it since the last warning, the longest ${Math.round(before.longest)} ms.)`
      : ''
    if (said.size > 1000) said.clear()
    said.set(key, { at: now, repeats: 0, longest: 0 })
    logger.warn(
      `The event loop was blocked for ${Math.round(held)} ms ${who}. Every other request waited.${waited} ` +
        `Move CPU-heavy or synchronous work off the loop with blocking(fn), or make it async.${repeats}`,
    )
  }, interval)
  ;(timer as { unref?: () => void }).unref?.()
  return () => {
    clearInterval(timer)
    app.observe(undefined)
  }
}

/** This thread's CPU time in ms (user + system), where the runtime tells it (Node, Bun). */
function threadCpu(): number | undefined {
  const usage = (globalThis as { process?: { threadCpuUsage?: () => { user: number; system: number } } })
    .process?.threadCpuUsage
  if (typeof usage !== 'function') return undefined
  const { user, system } = usage()
  return (user + system) / 1000
}
