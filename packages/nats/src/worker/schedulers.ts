import type { Msg } from '@nats-io/transport-node'
import type { NatsLogger } from '../connection.ts'
import { decode, type SchedulerBeat } from '../wire.ts'
import type { Calls } from './calls.ts'
import type { KeptRequests } from './kept.ts'

// The schedulers a worker hears from (their heartbeats and messages), and the sweep that forgets a
// scheduler gone silent: its kept requests are released and its running calls aborted. Silence
// while this worker's own connection is down does not count.

export class Schedulers {
  readonly #kept: KeptRequests
  readonly #calls: Calls
  readonly #logger: NatsLogger
  readonly #seen = new Map<string, { seen: number; lostAfter: number }>()
  /** Whether this worker's connection to NATS is up. */
  connected = true

  constructor(kept: KeptRequests, calls: Calls, logger: NatsLogger) {
    this.#kept = kept
    this.#calls = calls
    this.#logger = logger
  }

  /** A message of scheduler `s` came: it is there (for 5 s, unless its heartbeats said otherwise). */
  heard(s: string): void {
    this.#seen.set(s, { seen: Date.now(), lostAfter: this.#seen.get(s)?.lostAfter ?? 5000 })
  }

  /** A scheduler's heartbeat (`<subject>.shb`). */
  onBeat(msg: Msg): void {
    try {
      const { s, lostAfter } = decode<SchedulerBeat>(msg.data)
      this.#seen.set(s, { seen: Date.now(), lostAfter })
    } catch {}
  }

  /** Schedulers were silent because this worker was cut off, not because they are gone. */
  reconnected(): void {
    const now = Date.now()
    for (const seen of this.#seen.values()) seen.seen = now
  }

  /** Forgets the requests of a scheduler gone silent (its values and held threads would leak). */
  sweep(): void {
    if (!this.connected) return
    const now = Date.now()
    for (const [s, seen] of this.#seen) {
      if (now - seen.seen <= seen.lostAfter) continue
      this.#seen.delete(s)
      const released = this.#kept.releaseAll(s)
      this.#calls.abortAll(s)
      if (released > 0) {
        this.#logger.warn(
          `tandem-nats-worker: scheduler ${s} went silent; released the values of its ${released} request(s).`,
        )
      }
    }
  }
}
