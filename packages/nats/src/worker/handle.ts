import type { Msg } from '@nats-io/transport-node'
import type { BlockingInfo } from '@tandem/core/adapter'
import { deserializeError, type SerializedError } from '@tandem/core/pool'
import { abortedBeforeStart, decode, FORWARDED_BY, RUNTIME, type ToWorker } from '../wire.ts'
import type { LocalPool } from '../worker.ts'
import type { Calls } from './calls.ts'
import type { WorkerCells } from './cells.ts'
import { type Load, pong } from './heartbeat.ts'
import type { KeptRequests } from './kept.ts'
import type { Schedulers } from './schedulers.ts'

// A worker's messages from the schedulers (`<subject>.w.<id>`), by type: pings, aborts, releases,
// calls and request contexts (busy when no thread is free for a new request, refused from a
// scheduler with other blocking functions) and the steps of a kept request (fetch, exit, task).

/** What the handler works with. */
export interface HandlerParts {
  id: string
  key: string
  registry: readonly BlockingInfo[]
  pool: LocalPool
  calls: Calls
  kept: KeptRequests
  load: Load
  schedulers: Schedulers
  cells: WorkerCells
}

/** The handler of the worker's subject. */
export function messageHandler(parts: HandlerParts): (msg: Msg) => void {
  const { id, key, registry, pool, calls, kept: requests, load, schedulers, cells } = parts
  const reply = calls.reply.bind(calls)
  const fail = calls.fail.bind(calls)
  const run = calls.run.bind(calls)

  const infoOf = (fn: number) => {
    const info = registry[fn]
    if (!info) throw new Error(`This worker has no blocking function #${fn}.`)
    return info
  }

  const unknownRequest = (s: string, request: number) =>
    new Error(
      `Request ${request} of scheduler ${s} has no values on NATS worker ${id} (released, or the worker restarted).`,
    )

  return (msg: Msg) => {
    let message: ToWorker
    try {
      message = decode<ToWorker>(msg.data)
    } catch (error) {
      fail(
        msg,
        new Error(
          `NATS worker ${id} (${RUNTIME}) could not read a message (${(error as Error).message}): ` +
            'schedulers and workers must run on the same runtime (Node with Node, Bun with Bun).',
        ),
      )
      return
    }
    schedulers.heard(message.s)
    switch (message.t) {
      case 'ping':
        reply(msg, { t: 'pong', ...pong(cells, calls, message.s) }, 'a ping')
        return
      case 'abort': {
        const { s, id: callId, thread, reply: to } = message
        if (thread === undefined || calls.has(s, callId)) {
          calls.abort(s, callId)
          return
        }
        // Sent to a thread: if it has not taken the call (it waits unread behind a long call
        // there), it never will, and the abort is answered now.
        if (thread < cells.threads && cells.abort(thread, s, callId) && to)
          calls.answerTo(to, abortedBeforeStart())
        return
      }
      case 'reclaim':
        if (calls.has(message.s, message.id) || message.thread >= cells.threads) return
        if (cells.abort(message.thread, message.s, message.id)) {
          calls.answerTo(message.reply, { t: 'busy' })
        }
        return
      case 'release':
        requests.release(message.s, message.request)
        return
      case 'call': {
        // Handed on by a thread after its abort or reclaim was marked: the loop answered it then
        // (AbortError, or busy and it was sent again); it is not run.
        const from = msg.headers?.get(FORWARDED_BY)
        if (from && cells.aborted(Number(from), message.s, message.id)) return
        if (message.key !== key) return fail(msg, incompatible(id, key, message.key))
        const kept = message.request === undefined ? undefined : requests.get(message.s, message.request)
        if (!kept && !load.free()) return reply(msg, { t: 'busy' }, 'a call')
        const info = infoOf(message.fn)
        const label = `blocking function "${info.name}"`
        return run(msg, message.s, message.id, label, (signal) =>
          pool.run(info, message.args, {
            signal,
            timeout: message.timeout,
            ...(kept ? { request: kept.local } : {}),
            ...(msg.reply ? { replyTo: msg.reply } : {}),
          }),
        )
      }
      case 'ctx': {
        if (message.key !== key) return fail(msg, incompatible(id, key, message.key))
        let kept = requests.get(message.s, message.request)
        if (!kept) {
          if (!load.free()) return reply(msg, { t: 'busy' }, 'a call')
          kept = requests.keep(message.s, message.request)
        }
        const request = kept
        const info = infoOf(message.fn)
        const label = `blocking function "${info.name}"`
        return run(msg, message.s, message.id, label, async (signal) => {
          const result = await pool.remote.context(info, request.local, message.ctx, {
            keep: message.keep,
            yields: message.yields,
            signal,
            timeout: message.timeout,
            ...(msg.reply ? { replyTo: msg.reply } : {}),
          })
          if (message.yields && result.exit !== undefined) requests.hold(message.s, message.request, request)
          return result
        })
      }
      case 'fetch':
      case 'exit':
      case 'task': {
        const kept = requests.get(message.s, message.request)
        if (!kept) return fail(msg, unknownRequest(message.s, message.request))
        if (message.t === 'fetch') {
          const { ref } = message
          return run(msg, message.s, message.id, 'a kept value', () => pool.remote.fetch(kept.local, ref))
        }
        if (message.t === 'task') {
          const { task } = message
          return run(msg, message.s, message.id, 'a background task', () =>
            pool.remote.task(kept.local, task),
          )
        }
        const raised = message.error
          ? { error: deserializeError(message.error as SerializedError) }
          : undefined
        const { exit, s, request } = message
        return run(msg, message.s, message.id, 'a cleanup', async () => {
          try {
            return await pool.remote.exit(kept.local, exit, raised)
          } finally {
            requests.unhold(s, request, kept)
          }
        })
      }
    }
  }
}

function incompatible(id: string, mine: string, theirs: string): Error {
  return new Error(
    `NATS worker ${id} has other blocking functions (key ${mine}) than the scheduler (key ${theirs}): the call was not run. ` +
      'Deploy the same app version to the server and the workers.',
  )
}
