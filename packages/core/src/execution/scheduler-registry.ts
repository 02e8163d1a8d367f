import { InlineScheduler } from './inline.ts'
import type { Scheduler } from './scheduler.ts'

let current: Scheduler | undefined

/**
 * The scheduler that blocking functions run on in this process: the one set by an adapter's
 * `serve()`, or an inline scheduler.
 */
export function currentScheduler(): Scheduler {
  current ??= new InlineScheduler()
  return current
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
