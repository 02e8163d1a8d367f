// Loaded in each pool thread of a NATS worker (a `PortFilter` module, see `runPoolWorker`): the
// thread publishes a call's result straight to the scheduler's reply subject on a NATS connection
// of its own, and posts its event loop a `replied` answer without the value. The answer no longer
// hops through the worker's event loop (a wake-up, a clone, an encode there; apps/bench's
// nats-dispatch results say what that saved). Errors, results too big for NATS and results the
// codec refuses go the usual way, through the event loop, which words their errors.

import type { NatsConnection } from '@nats-io/transport-node'
import type { FromWorker, PortFilter, ToWorker } from '@tandem/core/pool'
import { connectNats, type NatsConnectionOptions, onStatus } from './connection.ts'
import { type FromWorker as Answer, encode } from './wire.ts'
import { WorkerCells } from './worker/cells.ts'

/** What a NATS worker gives its pool threads' filter. */
export interface ThreadFilterOptions {
  /** The worker's connection options (the structured-cloneable ones). */
  connection: NatsConnectionOptions
  /** The connection's name, as nats-server lists it. */
  name: string
  /** The memory shared with the worker's event loop (`WorkerCells`). */
  shared: SharedArrayBuffer
}

interface Target {
  subject: string
  /** The worker's connection changes when the call came. */
  changes: number
  /** A context call: the scheduler gets the whole answer (ref, exit, effects), not the value alone. */
  whole: boolean
}

/** The internal flush of the NATS client: writes what was published now, not at the end of the task. */
type Flushable = { protocol?: { flushPending?: () => void } }

/**
 * The port filter of a NATS worker's pool threads (loaded by `runPoolWorker`); if the thread cannot
 * connect to NATS it lets every answer go through the event loop, as without it.
 *
 * @example
 * createNodePool(entry, { portFilter: { href: new URL('./thread.js', import.meta.url).href, options } })
 */
export async function portFilter(options: ThreadFilterOptions): Promise<PortFilter> {
  let nc: NatsConnection
  try {
    nc = await connectNats(options.connection, options.name)
  } catch (error) {
    console.warn(
      `tandem-nats-worker: a pool thread could not connect to NATS (${(error as Error).message}); ` +
        'its answers go through the worker’s event loop.',
    )
    return { received: () => {}, sending: (message) => message }
  }
  // Cut off (nats-server restarting, say), the thread leaves its answers to the event loop: an
  // answer published into a dead socket is lost, and one held until the thread's connection is back
  // (later than the worker's, maybe) would be taken for lost by the scheduler's pings, which the
  // event loop answers. A thread busy with a call does not see its socket close; the worker's event
  // loop does and counts its connection's changes. After a change the thread answers the usual way
  // until its own connection has answered a ping (a round trip to nats-server) sent after it.
  const cells = new WorkerCells(options.shared)
  let connected = true
  let proven = cells.changes()
  let proving = false
  const prove = (): void => {
    if (proving) return
    proving = true
    const changes = cells.changes()
    let timer: ReturnType<typeof setTimeout> | undefined
    const gaveUp = new Promise<void>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('no pong')), 2000)
    })
    Promise.race([nc.flush(), gaveUp])
      .then(
        () => {
          proven = changes
        },
        () => {},
      )
      .finally(() => {
        clearTimeout(timer)
        proving = false
      })
  }
  onStatus(nc, (status) => {
    if (status.type === 'disconnect') connected = false
    if (status.type === 'reconnect') {
      connected = true
      prove()
    }
  })
  const targets = new Map<number, Target>()
  const note = (message: ToWorker): void => {
    if (message.type === 'batch') for (const inner of message.messages) note(inner)
    else if ((message.type === 'call' || message.type === 'context') && typeof message.replyTo === 'string') {
      targets.set(message.id, {
        subject: message.replyTo,
        changes: cells.changes(),
        whole: message.type === 'context',
      })
    }
  }
  const deliver = (target: Target, message: FromWorker & { type: 'result' }): boolean => {
    if (!connected || nc.isClosed() || !cells.up()) return false
    if (cells.changes() !== proven) {
      prove()
      return false
    }
    // The worker's connection changed while the call ran.
    if (target.changes !== proven) return false
    let data: Uint8Array
    try {
      data = encode({ t: 'ok', value: target.whole ? message : message.value } satisfies Answer)
    } catch {
      return false
    }
    if (data.byteLength > (nc.info?.max_payload ?? 1024 * 1024)) return false
    cells.countDelivered()
    nc.publish(target.subject, data)
    // The client writes at the end of the task; the thread may start its next call before then.
    ;(nc as unknown as Flushable).protocol?.flushPending?.()
    return true
  }
  return {
    received: note,
    sending(message) {
      if (message.type !== 'result' && message.type !== 'error') return message
      const target = targets.get(message.id)
      if (!target) return message
      targets.delete(message.id)
      if (message.type === 'error' || !deliver(target, message)) return message
      const { value: _sent, ...rest } = message
      return { ...rest, replied: true }
    },
  }
}
