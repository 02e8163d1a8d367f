import { InlineScheduler } from './inline.ts'
import type { Scheduler } from './scheduler.ts'

let current: Scheduler | undefined

/**
 * The scheduler that blocking functions run on in this process: the one set by an adapter's
 * `serve()`, or an inline scheduler.
 */
export function currentScheduler(): Scheduler {
  current ??= new InlineScheduler({ onFirstUse: noteInline })
  return current
}

/** On workerd (no threads), say once that blocking functions run in place. */
function noteInline(): void {
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') {
    console.log(
      '[tandem] blocking functions run inline on this runtime (workerd has no threads): ' +
        'they hold the isolate while they run. Keep them short, or move heavy work to a server adapter.',
    )
  }
}

/**
 * Sets the process-wide scheduler (adapters call this from `serve()`; tests may too).
 *
 * @example
 * setScheduler(new InlineScheduler())
 */
export function setScheduler(scheduler: Scheduler | undefined): void {
  current = scheduler
}

let poolWorker = false

/**
 * Marks this thread as a pool worker, before the app's entry module loads (the worker runtime
 * calls it). The app then loads no routing engine and no OpenAPI code: a worker only runs calls,
 * and `serve()` in the entry does not listen. A remote worker process marks its main thread too.
 *
 * @example
 * markPoolWorker()
 * await import(entryHref(entry, process.cwd())) // registers the blocking functions; serve() returns
 */
export function markPoolWorker(): void {
  poolWorker = true
}

/** True inside a pool worker (where `serve()` does not listen). */
export function isPoolWorker(): boolean {
  return poolWorker
}
