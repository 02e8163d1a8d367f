import { PoolQueueFullError } from '@tandem/core'

// The error of a call no NATS worker can take: the scheduler's own 503 (with `Retry-After`).

/**
 * No compatible worker is connected: answered 503 with `Retry-After`, at once (and for queued
 * calls, once none has come back within 5 s).
 *
 * @example
 * app.exceptionHandler(NoWorkersError, () => Response.json({ detail: 'Kitchen closed' }, { status: 503 }))
 */
export class NoWorkersError extends PoolQueueFullError {
  constructor(label: string, subject: string, others: number) {
    super(label, 0, 1)
    this.name = 'NoWorkersError'
    this.message =
      `No NATS worker runs this app's blocking functions on subject "${subject}", so ${label} was not run` +
      (others > 0
        ? ` (${others} worker${others === 1 ? '' : 's'} there run other blocking functions: another version?)`
        : '') +
      '. Start one: tandem-nats-worker <entry> --servers <url>' +
      (subject === 'tandem' ? '' : ` --subject ${subject}`) +
      '.'
  }
}
