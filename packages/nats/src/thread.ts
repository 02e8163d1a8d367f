// Loaded in each pool thread of a NATS worker (a `PortFilter` module, see `runPoolWorker`), on a NATS
// connection of its own:
// - Answers: the thread publishes a call's result straight to the scheduler's reply subject, and
//   posts its event loop a `replied` answer without the value. Errors, results too big for NATS and
//   results the codec refuses go the usual way, through the event loop, which words their errors.
// - Calls: the thread takes calls of no request and no time limit off a subject of its own
//   (`S.w.<worker>.<thread>`), runs them and answers them, and the event loop never sees them: one
//   wake-up per call (this thread's) instead of two (the loop's, then this thread's). A thread with
//   work of the pool's hands such a call on to the worker's subject; its slot in the shared memory
//   (worker/cells.ts) says what it runs, for the loop's pongs, and for its replacement should it die.
// apps/bench's nats-dispatch results say what each saves.

import { headers, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { WorkerCrashedError } from '@tandem/core'
import { blockingRegistry } from '@tandem/core/adapter'
import { type FromWorker, type PortFilter, serializeError, type ToWorker } from '@tandem/core/pool'
import { connectNats, type NatsConnectionOptions, onStatus } from './connection.ts'
import {
  type FromWorker as Answer,
  decode,
  encode,
  encodeAnswer,
  FORWARDED_BY,
  type ToWorker as Message,
} from './wire.ts'
import { NOT_TAKING, RUNNING, TAKING, WorkerCells } from './worker/cells.ts'

/** What a NATS worker gives its pool threads' filter. */
export interface ThreadFilterOptions {
  /** The worker's connection options (the structured-cloneable ones). */
  connection: NatsConnectionOptions
  /** The connection's name, as nats-server lists it. */
  name: string
  /** The memory shared with the worker's event loop (`WorkerCells`). */
  shared: SharedArrayBuffer
  /** Take calls off NATS (`S.w.<worker>.<thread>`); absent: the thread only publishes answers. */
  direct?: {
    /** The subject prefix (S). */
    subject: string
    /** The worker's id. */
    worker: string
    /** The worker's compatibility key: a call with another goes to the event loop, which refuses it. */
    key: string
  }
}

/** A call the thread took itself: where its answer goes. */
interface Taken {
  reply: string
  label: string
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
export async function portFilter(
  options: ThreadFilterOptions,
  worker: { index: number } = { index: 0 },
): Promise<PortFilter> {
  const cells = new WorkerCells(options.shared)
  const index = worker.index
  const slotted = index < cells.threads
  // A new thread: the pool's calls its predecessor had are not its own.
  if (slotted) cells.countPool(index, 0, true)
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
  // Calls taken off NATS: the thread takes them while its subscription is there (announced in the
  // worker's heartbeats by its slot's state).
  let taking = false
  let closed = false
  const takeAgain = (): void => {
    if (!taking || closed) return
    nc.flush().then(
      () => {
        if (connected && !closed && cells.state(index) === NOT_TAKING) cells.setState(index, TAKING)
      },
      () => {},
    )
  }
  onStatus(nc, (status) => {
    if (status.type === 'disconnect') {
      connected = false
      if (taking && cells.state(index) === TAKING) cells.setState(index, NOT_TAKING)
    }
    if (status.type === 'reconnect') {
      connected = true
      prove()
      takeAgain()
    }
  })
  const targets = new Map<number, Target>()
  /** Requests holding this thread (an open blocking yield dependency), and the calls opening and closing them. */
  const held = new Set<number>()
  const opening = new Map<number, number>()
  const closing = new Map<number, number>()
  const settled = (message: FromWorker & { type: 'result' | 'error' }): void => {
    const opened = opening.get(message.id)
    if (opened !== undefined) {
      opening.delete(message.id)
      if (message.type === 'result' && message.exit !== undefined) held.add(opened)
    }
    const cleaned = closing.get(message.id)
    if (cleaned !== undefined) {
      closing.delete(message.id)
      held.delete(cleaned)
    }
  }
  const note = (message: ToWorker): void => {
    if (message.type === 'batch') {
      for (const inner of message.messages) note(inner)
      return
    }
    if (message.type === 'close') {
      closed = true
      if (taking) {
        taking = false
        subscription?.unsubscribe()
        if (cells.state(index) === TAKING) cells.setState(index, NOT_TAKING)
      }
      return
    }
    if (slotted && 'id' in message && message.type !== 'abort') cells.countPool(index, 1)
    // An open blocking yield dependency holds the thread until its cleanup has run (the pool sends
    // nothing of another request there meanwhile): no call is taken off NATS either.
    if (message.type === 'context' && message.yields) opening.set(message.id, message.request)
    if (message.type === 'exit') closing.set(message.id, message.request)
    if (message.type === 'release') held.delete(message.request)
    if ((message.type === 'call' || message.type === 'context') && typeof message.replyTo === 'string') {
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
  const maxPayload = (): number => nc.info?.max_payload ?? 1024 * 1024
  const taken = new Map<number, Taken>()
  const deliverTaken = (message: FromWorker & { type: 'result' | 'error' }): void => {
    const target = taken.get(message.id)!
    taken.delete(message.id)
    // Past its time limit, the event loop answered it and has this thread replaced: it answers
    // nothing more and starts nothing more until it is stopped.
    if (!cells.finish(index, taking && connected ? TAKING : NOT_TAKING)) waitToBeStopped()
    const answer: Answer =
      message.type === 'result' ? { t: 'ok', value: message.value } : { t: 'err', error: message.error }
    try {
      nc.publish(target.reply, encodeAnswer(answer, target.label, maxPayload(), nc.getServer()))
      ;(nc as unknown as Flushable).protocol?.flushPending?.()
    } catch (error) {
      console.error(`tandem-nats-worker: a pool thread could not answer ${target.label}`, error)
    }
    cells.countDirect(message.type === 'result')
  }

  let subscription: ReturnType<NatsConnection['subscribe']> | undefined
  const attach: PortFilter['attach'] =
    options.direct && slotted
      ? (host) => {
          const { subject, worker: workerId, key } = options.direct!
          const loop = `${subject}.w.${workerId}`
          // Its predecessor stopped (crashed, exited, or was replaced after another call's time
          // limit) while it ran a call it had taken: no one else knows that call is lost.
          const orphan = cells.running(index)
          if (orphan) {
            const label = labelOf(orphan.fn)
            const error = new WorkerCrashedError(
              label,
              `NATS worker ${workerId}: its thread stopped while running it (crashed, exited, or was replaced)`,
            )
            nc.publish(orphan.reply, encode({ t: 'err', error: serializeError(error) } satisfies Answer))
            cells.countDirect(false)
          }
          // Its own from now on (its predecessor's may say it was being stopped).
          cells.setState(index, NOT_TAKING)
          let next = 1
          let batch: { msg: Msg; message: Message & { t: 'call' } }[] = []
          const aborted = new Set<string>()
          const respond = (msg: Msg, answer: Answer): void => {
            if (msg.reply) nc.publish(msg.reply, encode(answer))
          }
          // To the worker's event loop, which runs it on the pool (or answers busy).
          const by = headers()
          by.set(FORWARDED_BY, String(index))
          const forward = (msg: Msg): void => {
            nc.publish(loop, msg.data, msg.reply ? { reply: msg.reply, headers: by } : { headers: by })
          }
          const start = (msg: Msg, message: Message & { t: 'call' }): void => {
            // Aborted (or reclaimed) before it started: the event loop answers it (it is told too).
            if (aborted.has(`${message.s}:${message.id}`) || cells.aborted(index, message.s, message.id))
              return
            if (cells.draining() || closed) {
              respond(msg, { t: 'busy' })
              return
            }
            const reply = msg.reply
            if (
              !reply ||
              message.key !== key ||
              cells.state(index) === RUNNING ||
              held.size > 0 ||
              reply.length > 192 ||
              message.s.length > 64 ||
              (message.timeout > 0 && !cells.watchesLimits())
            ) {
              forward(msg)
              return
            }
            // Recorded as taken, unless the event loop answered its abort meanwhile.
            if (!cells.take(index, message.s, message.id)) return
            const id = -next++
            taken.set(id, { reply, label: labelOf(message.fn) })
            cells.begin(index, { s: message.s, id: message.id, fn: message.fn, reply }, message.timeout)
            if (!host.run(id, message.fn, message.args)) {
              taken.delete(id)
              cells.setState(index, TAKING)
              forward(msg)
            }
          }
          // Started once the messages read with them are handled: an abort right behind a call (a
          // thread back from a long call reads both at once) stops it first.
          const startAll = (): void => {
            const calls = batch
            batch = []
            for (const { msg, message } of calls) start(msg, message)
            aborted.clear()
          }
          subscription = nc.subscribe(`${loop}.${index}`, {
            callback: (_error, msg) => {
              let message: Message
              try {
                message = decode<Message>(msg.data)
              } catch {
                nc.publish(loop, msg.data, msg.reply ? { reply: msg.reply } : undefined)
                return
              }
              // Its event loop is told too, and answers it (an abort of a call handed on included).
              if (message.t === 'abort') {
                aborted.add(`${message.s}:${message.id}`)
                return
              }
              if (message.t !== 'call') {
                nc.publish(loop, msg.data, msg.reply ? { reply: msg.reply } : undefined)
                return
              }
              batch.push({ msg, message })
              if (batch.length === 1) queueMicrotask(startAll)
            },
          })
          taking = true
          takeAgain()
        }
      : undefined

  return {
    received: note,
    sending(message) {
      if (message.type !== 'result' && message.type !== 'error') return message
      if (message.id < 0 && taken.has(message.id)) {
        deliverTaken(message)
        return undefined
      }
      if (slotted) cells.countPool(index, -1)
      settled(message)
      const target = targets.get(message.id)
      if (!target) return message
      targets.delete(message.id)
      if (message.type === 'error' || !deliver(target, message)) return message
      const { value: _sent, ...rest } = message
      return { ...rest, replied: true }
    },
    ...(attach ? { attach } : {}),
  }
}

function labelOf(fn: number): string {
  return `blocking function "${blockingRegistry()[fn]?.name ?? `#${fn}`}"`
}

/** Blocks this thread until the pool stops it (it was told to: worker/limits.ts). */
function waitToBeStopped(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4))
  for (;;) Atomics.wait(cell, 0, 0, 1000)
}
