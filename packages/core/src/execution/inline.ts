import type { BlockingInfo, RunOptions, Scheduler, SchedulerStats } from './scheduler.ts'
import { unwrapTransfer } from './transfer.ts'

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

/**
 * Runs blocking functions in place, on the calling thread: workerd's scheduler (it has no threads)
 * and the default for `app.request()` in tests. It honours the contract where it can: an aborted
 * call never starts; results, errors and counters are as on a pool.
 *
 * @example
 * import { InlineScheduler, setScheduler } from '@tandem/core/adapter'
 * setScheduler(new InlineScheduler())
 */
export class InlineScheduler implements Scheduler {
  readonly name = 'inline'
  #busy = 0
  #completed = 0
  #failed = 0
  #onFirstUse: (() => void) | undefined

  /** `onFirstUse` runs once, before the first call (workerd logs that blocking runs inline). */
  constructor(options: { onFirstUse?: () => void } = {}) {
    this.#onFirstUse = options.onFirstUse
  }

  async run(info: BlockingInfo, args: unknown[], options: RunOptions = {}): Promise<unknown> {
    if (this.#onFirstUse) {
      const notify = this.#onFirstUse
      this.#onFirstUse = undefined
      notify()
    }
    if (options.signal?.aborted) throw abortError(options.signal)
    this.#busy++
    try {
      const result = unwrapTransfer(await info.fn(...args)).value
      this.#completed++
      return result
    } catch (error) {
      this.#failed++
      throw error
    } finally {
      this.#busy--
    }
  }

  stats(): SchedulerStats {
    return { size: 1, busy: this.#busy, queued: 0, completed: this.#completed, failed: this.#failed }
  }

  async close(): Promise<void> {}
}
