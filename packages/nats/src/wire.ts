import { createHash } from 'node:crypto'
import { deserialize, serialize } from 'node:v8'
import type { ContextSnapshot, RemoteResult } from '@tandem/core/adapter'
import { type SerializedError, serializeError } from '@tandem/core/pool'

// What travels between a NATS scheduler and its workers: the subjects, the messages, their codec.
//
// Subjects, under the scheduler's `subject` (S, default "tandem"):
//   S.hb           workers' heartbeats (capacity, load), every second; a last one with `bye` on stop
//   S.discover     a scheduler asks every worker for a heartbeat now (at start and after a reconnect)
//   S.shb          schedulers' heartbeats: a worker releases what it keeps for a scheduler gone silent
//   S.w.<worker>   one worker's calls, steps, aborts, releases and pings, from every scheduler
//   S.w.<worker>.<thread>  calls of no request and no time limit, taken by the thread itself (and
//                  their aborts); a thread with other work hands them on to S.w.<worker>
// Replies go to the scheduler's inbox, one reply subject per call.

/** The runtime of this process, as workers announce it. */
export const RUNTIME = typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' ? 'node' : 'bun'

/**
 * How values are encoded: V8's serializer (Node) or JavaScriptCore's (Bun), which read only their
 * own; with the runtime's major version (Node) or minor (Bun), so that a fleet upgraded one machine
 * at a time never sends a call to a process that might misread it: those count as incompatible.
 */
export const CODEC =
  RUNTIME === 'node'
    ? `v8/node${process.versions.node.split('.')[0]}`
    : `jsc/bun${((globalThis as { Bun?: { version: string } }).Bun?.version ?? '').split('.').slice(0, 2).join('.')}`

/** A call, or a step of a request, sent to a worker. */
export type ToWorker =
  | {
      t: 'call'
      id: number
      s: string
      key: string
      fn: number
      args: unknown[]
      timeout: number
      request?: number
    }
  | {
      t: 'ctx'
      id: number
      s: string
      key: string
      fn: number
      request: number
      ctx: ContextSnapshot
      keep: boolean
      yields: boolean
      timeout: number
    }
  | { t: 'fetch'; id: number; s: string; request: number; ref: number }
  | { t: 'exit'; id: number; s: string; request: number; exit: number; error?: SerializedError }
  | { t: 'task'; id: number; s: string; request: number; task: number }
  | { t: 'release'; s: string; request: number }
  | {
      t: 'abort'
      s: string
      id: number
      /** The call was sent to this thread (`S.w.<worker>.<thread>`): where its answer goes. */
      thread?: number
      reply?: string
    }
  | { t: 'ping'; id: number; s: string }
  /**
   * A call sent to a thread that no pong listed: if the thread never took it (it went to a thread
   * that died, into a connection not closed yet), it never will, and the worker answers busy.
   */
  | { t: 'reclaim'; s: string; id: number; thread: number; reply: string }

/** A worker's answer to a call or step. */
export type FromWorker =
  | { t: 'ok'; value: RemoteResult | unknown }
  | { t: 'err'; error: SerializedError }
  /** No free thread: the call never started (the scheduler queues it again). */
  | { t: 'busy' }
  /** The ids of the pinging scheduler's calls running there (its other unanswered calls lost their answer). */
  | {
      t: 'pong'
      running: number[]
      /** Threads with work (a call or the pool's): a call sent to one of them and not listed waits there. */
      occupied?: number[]
    }

/** What a worker announces about itself on `S.hb` (and answers to `S.discover`). */
export interface Heartbeat {
  /** The worker's id (its subject is `S.w.<id>`). */
  id: string
  /** The compatibility key: its blocking functions, runtime and codec. */
  key: string
  runtime: string
  host: string
  pid: number
  /** Threads it runs calls on. */
  capacity: number
  /** Threads that take calls on `S.w.<id>.<thread>` themselves. */
  direct?: number[]
  /** Its threads take calls with a time limit too (the worker watches their limits). */
  limits?: boolean
  /** Calls running and waiting on it, from every scheduler. */
  busy: number
  queued: number
  /** Stopping: it takes no new request, finishes the ones it has. */
  draining?: boolean
  /** Its last heartbeat: it has stopped. */
  bye?: boolean
  /** Milliseconds between its heartbeats. */
  every: number
}

/** A scheduler's heartbeat on `S.shb`. */
export interface SchedulerBeat {
  s: string
  /** Milliseconds after which a worker may take the scheduler for gone. */
  lostAfter: number
}

/**
 * The compatibility key of a process's blocking functions: a scheduler sends calls only to workers
 * with its own key (same functions in the same order, same runtime and codec), so a rolling deploy
 * runs old and new side by side without a call reaching the wrong function.
 *
 * @example
 * compatibilityKey(['hash', 'resize']) // '3f9a…' (16 hex digits)
 */
export function compatibilityKey(fingerprint: readonly string[]): string {
  return createHash('sha256')
    .update(`${CODEC}\n${fingerprint.join('\n')}`)
    .digest('hex')
    .slice(0, 16)
}

/** Encodes a message; throws what the serializer says of a value it cannot encode. */
export function encode(message: unknown): Uint8Array {
  return serialize(message)
}

/** Decodes a message encoded by `encode` in a process of the same runtime. */
export function decode<T>(data: Uint8Array): T {
  return deserialize(data) as T
}

/**
 * The error for an encoded message over the server's `max_payload`, naming what was too big and
 * what to do.
 *
 * @example
 * tooBig('the arguments of blocking function "resize"', 3_200_000, 1_048_576, 'nats://h:4222')
 */
export function tooBig(what: string, size: number, max: number, server: string): RangeError {
  return new RangeError(
    `${what} are ${megabytes(size)} once serialized, over the NATS server's max_payload of ${megabytes(max)} ` +
      `(${server}). Pass a reference (a key, a URL) instead of the data, or raise max_payload in ` +
      "nats-server's configuration (up to 64 MB).",
  )
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`
}

/** The header with which a thread hands a call it cannot take on to the worker's subject (its number). */
export const FORWARDED_BY = 'Tandem-Thread'

/** The answer to a call aborted before it started. */
export function abortedBeforeStart(): FromWorker {
  return {
    t: 'err',
    error: serializeError(new DOMException('The call was aborted before it started.', 'AbortError')),
  }
}

/**
 * Encodes a worker's answer to `label` (a call or step): one whose value the codec refuses, or that
 * is over `max` bytes (the server's max_payload), becomes an error saying so and what to do.
 *
 * @example
 * msg.respond(encodeAnswer({ t: 'ok', value }, 'blocking function "resize"', nc.info.max_payload, nc.getServer()))
 */
export function encodeAnswer(answer: FromWorker, label: string, max: number, server: string): Uint8Array {
  let data: Uint8Array
  try {
    data = encode(answer)
  } catch (error) {
    data = encode({
      t: 'err',
      error: serializeError(
        new TypeError(
          `The result of ${label} cannot be sent from the worker to the scheduler over NATS (${(error as Error).message}). ` +
            'Return plain data: objects, arrays, Maps, Dates, typed arrays.',
        ),
      ),
    } satisfies FromWorker)
  }
  if (data.byteLength > max) {
    data = encode({
      t: 'err',
      error: serializeError(tooBig(`The result of ${label}`, data.byteLength, max, server)),
    } satisfies FromWorker)
  }
  return data
}
