/** Options of a thread pool. */
export interface PoolOptions {
  /** Workers (default: the adapter's `availableParallelism()`). */
  size: number
  /** Calls waiting (not running) before new ones are refused with 503 (default 1024). */
  maxQueue: number
  /** Milliseconds a call may run before it is stopped with 504 and its worker replaced (0: none). */
  timeout: number
  /** Where the pool reports worker deaths and replacements. */
  logger?: { error(message: string, error?: unknown): void; warn(message: string): void }
  /** The scheduler's name in logs. */
  name?: string
}

/** The pool settings of an adapter's `serve({ pool })`; unset ones take `poolOptions()`'s defaults. */
export interface PoolSettings {
  /** Workers (default: one per core, `availableParallelism()`). */
  size?: number
  /** Calls waiting (not running) before new ones answer 503 (default 1024). */
  maxQueue?: number
  /** Milliseconds a call may run before it answers 504 and its worker is replaced (default 0: none). */
  timeout?: number
  /**
   * The workers' scheduling niceness, 0 to 19 (default 10; Unix `nice`, per thread on Linux): lower
   * priority than the event loop, so cheap requests are answered first while every worker is busy.
   * 0 shares the cores equally. Applied on Linux only: elsewhere niceness belongs to the whole
   * process (the loop's thread too), so workers keep the default there.
   */
  nice?: number
}

/**
 * The default niceness of pool workers: below the event loop.
 *
 * @example
 * createNodePool(entry, { nice: DEFAULT_POOL_NICE })
 */
export const DEFAULT_POOL_NICE = 10

/**
 * `pool.nice` checked (a whole number from 0 to 19), with the default when absent.
 *
 * @example
 * checkedNice(undefined) // 10
 * checkedNice(25) // throws: pool.nice must be a whole number from 0 to 19
 */
export function checkedNice(nice: number | undefined): number {
  if (nice === undefined) return DEFAULT_POOL_NICE
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new RangeError(
      `pool.nice must be a whole number from 0 (the event loop's priority) to 19 (the lowest), got ${nice}. ` +
        `Leave it out for ${DEFAULT_POOL_NICE}.`,
    )
  }
  return nice
}

/**
 * A thread pool's options from an adapter's settings, with the documented defaults.
 *
 * @example
 * new ThreadPool(factory, poolOptions({ size: 4 }, availableParallelism(), 'node-worker-threads'))
 */
export function poolOptions(
  settings: PoolSettings,
  cores: number,
  name: string,
  logger?: PoolOptions['logger'],
): PoolOptions {
  return {
    size: settings.size ?? cores,
    maxQueue: settings.maxQueue ?? 1024,
    timeout: settings.timeout ?? 0,
    name,
    ...(logger ? { logger } : {}),
  }
}

/** True where a thread's niceness is its own (Linux): elsewhere it is the whole process's, the loop's too. */
export function niceIsPerThread(): boolean {
  return (globalThis as { process?: { platform?: string } }).process?.platform === 'linux'
}

/**
 * In a pool worker: lowers this thread's priority to `nice` (below the event loop, so the loop
 * answers cheap requests first while every worker is busy). Only where niceness is per thread; a
 * system that refuses it (it needs no privilege) leaves the worker at the default.
 *
 * @example
 * import { setPriority } from 'node:os'
 * lowerWorkerPriority(workerData.nice, setPriority)
 */
export function lowerWorkerPriority(nice: number, setPriority: (nice: number) => void): void {
  if (nice <= 0 || !niceIsPerThread()) return
  try {
    setPriority(nice)
  } catch {}
}

/** The module pool workers load to find the blocking functions: a path, a `file:` URL string or a URL. */
export type Entry = string | URL

/**
 * The `file:` URL of a pool's entry module, for a worker to `import()`: a URL as is, a path resolved
 * against `cwd` (each path segment percent-encoded, so `#`, `?` and `%` in names survive).
 *
 * @example
 * entryHref('src/app.ts', '/srv/shop') // 'file:///srv/shop/src/app.ts'
 */
export function entryHref(entry: Entry, cwd: string): string {
  if (entry instanceof URL) return entry.href
  if (entry.startsWith('file:')) return entry
  const absolute = entry.startsWith('/') ? entry : `${cwd.replace(/\/+$/, '')}/${entry}`
  return new URL(`file://${absolute.split('/').map(encodeURIComponent).join('/')}`).href
}
