import { PoolTimeoutError } from '@tandem/core'
import type { BlockingInfo } from '@tandem/core/adapter'
import { serializeError } from '@tandem/core/pool'
import type { Calls } from './calls.ts'
import type { WorkerCells } from './cells.ts'

// The time limits of the calls the threads take off NATS themselves (thread.ts): the pool watches
// those of the calls it sends, these it never sees. A thread writes when its call started and its
// limit in its slot and wakes the event loop, which sets a timer for the deadline; a call still
// running then is stopped (its thread replaced by the pool, as a time limit does) and answered with
// PoolTimeoutError. The slot's call number makes sure the thread stopped is the one running the late
// call, and that the thread never answers it or starts another (worker/cells.ts, `stop`/`finish`).

/** What stopping a thread takes: the pool's `replaceWorker`. */
export interface Replaceable {
  replaceWorker(index: number, reason: string): boolean
}

/**
 * Watches the time limits of the calls the threads take themselves until `stop()`.
 *
 * @example
 * const limits = watchTimeLimits(cells, pool, calls, blockingRegistry())
 * // on close: limits.stop()
 */
export function watchTimeLimits(
  cells: WorkerCells,
  pool: Replaceable,
  calls: Calls,
  registry: readonly BlockingInfo[],
): { stop(): void } {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const check = (): void => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (stopped) return
    const now = Date.now()
    let next = Number.POSITIVE_INFINITY
    for (let thread = 0; thread < cells.threads; thread++) {
      const due = cells.deadline(thread)
      if (!due) continue
      if (due.at > now) {
        next = Math.min(next, due.at)
        continue
      }
      const call = cells.running(thread)
      // The same call still runs (its number did not change): from now on the thread never
      // answers it nor takes another.
      if (!call || !cells.stop(thread, due.generation)) continue
      const label = `blocking function "${registry[call.fn]?.name ?? `#${call.fn}`}"`
      pool.replaceWorker(thread, `${label} ran past the ${due.limit} ms timeout`)
      cells.countDirect(false)
      calls.answerTo(call.reply, {
        t: 'err',
        error: serializeError(new PoolTimeoutError(label, due.limit)),
      })
    }
    if (next < Number.POSITIVE_INFINITY) timer = setTimeout(check, Math.max(1, next - Date.now()))
  }

  void (async () => {
    let seen = cells.limitedStarts()
    while (!stopped) {
      const waiting = cells.waitLimited(seen)
      if (waiting) await waiting
      seen = cells.limitedStarts()
      // A new call with a limit: the timer is set again for the soonest deadline.
      check()
    }
  })()

  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      cells.wakeLimits()
    },
  }
}
