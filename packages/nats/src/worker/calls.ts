import type { Msg, NatsConnection } from '@nats-io/transport-node'
import { REPLIED, serializeError } from '@tandem/core/pool'
import type { NatsLogger } from '../connection.ts'
import { encode, encodeAnswer, type FromWorker } from '../wire.ts'

// The calls running on a worker, by `<scheduler>:<id>` (for aborts, pings and a silent scheduler),
// and the answers it sends for them: encoded, worded when a result cannot be sent or is over NATS's
// max_payload, and not sent at all when the thread published the answer itself.

interface Running {
  controller: AbortController
}

export class Calls {
  readonly #nc: NatsConnection
  readonly #logger: NatsLogger
  readonly running = new Map<string, Running>()
  /** Answers the threads published themselves, once the event loop has seen their calls settle. */
  settledDelivered = 0
  /** Calls taken and not handed to the pool yet (each has its thread). */
  starting = 0
  /** Answers the threads published themselves that the pool has not seen yet (set by the worker). */
  inTransit: () => number = () => 0
  readonly #handoff: (() => void)[] = []
  /** Answers counted in transit that never reach the pool (their thread died as it answered). */
  #stray = 0

  /**
   * Hands the calls taken to the pool, in order. While answers the threads published are on their
   * way to the pool (which counts their threads busy until it reads them), it first lets the event
   * loop turn until the pool has read them (5 ms at most): a call that found its thread busy would
   * wait in the pool's queue, where a request's step sent behind it (which never waits) would start
   * before it.
   */
  #handOff(since: number, turns = 0): void {
    const inTransit = this.inTransit()
    this.#stray = Math.min(this.#stray, inTransit)
    if (inTransit > this.#stray) {
      if (since === 0) since = performance.now()
      if (performance.now() - since < 5) {
        // Node reads the threads' messages before its next immediates; Bun may run immediates
        // first again and again, so after two of them, a timer.
        if (turns < 2) setImmediate(() => this.#handOff(since, turns + 1))
        else setTimeout(() => this.#handOff(since, turns + 1), 0)
        return
      }
      this.#stray = inTransit
    }
    for (const start of this.#handoff.splice(0)) start()
  }

  constructor(nc: NatsConnection, logger: NatsLogger) {
    this.#nc = nc
    this.#logger = logger
  }

  #maxPayload(): number {
    return this.#nc.info?.max_payload ?? 1024 * 1024
  }

  reply(msg: Msg, answer: FromWorker, label: string): void {
    if (!msg.reply) return
    const data = encodeAnswer(answer, label, this.#maxPayload(), this.#nc.getServer())
    try {
      msg.respond(data)
    } catch (error) {
      this.#logger.error(`tandem-nats-worker: could not answer ${label}`, error)
    }
  }

  /** Publishes an answer to a reply subject (a call this loop was not sent, but answers). */
  answerTo(subject: string, answer: FromWorker): void {
    if (!subject) return
    try {
      this.#nc.publish(subject, encode(answer))
    } catch (error) {
      this.#logger.error('tandem-nats-worker: could not answer an aborted call', error)
    }
  }

  /** Whether call `id` of scheduler `s` runs here (or is about to). */
  has(s: string, id: number): boolean {
    return this.running.has(`${s}:${id}`)
  }

  fail(msg: Msg, error: unknown, label = 'a call'): void {
    this.reply(msg, { t: 'err', error: serializeError(error) }, label)
  }

  /** Runs one call or step on the local pool and answers it. */
  run(
    msg: Msg,
    s: string,
    callId: number,
    label: string,
    call: (signal: AbortSignal) => Promise<unknown>,
  ): void {
    const runKey = `${s}:${callId}`
    const controller = new AbortController()
    this.running.set(runKey, { controller })
    // Handed to the pool once the messages read with it are handled: an abort right behind it (a
    // worker back from a freeze reads the call and the scheduler's abort together) stops it first.
    this.starting++
    const result = new Promise<unknown>((resolve, reject) => {
      this.#handoff.push(() => {
        this.starting--
        try {
          resolve(call(controller.signal))
        } catch (error) {
          reject(error)
        }
      })
    })
    if (this.#handoff.length === 1) queueMicrotask(() => this.#handOff(0))
    result.then(
      (value) => {
        this.running.delete(runKey)
        // The thread published the answer itself.
        if (value === REPLIED || (value as { value?: unknown } | undefined)?.value === REPLIED) {
          this.settledDelivered++
          return
        }
        this.reply(msg, { t: 'ok', value }, label)
      },
      (error) => {
        this.running.delete(runKey)
        this.fail(msg, error, label)
      },
    )
  }

  /** The ids of scheduler `s`'s calls running here (a pong's answer). */
  runningOf(s: string): number[] {
    const prefix = `${s}:`
    const mine: number[] = []
    for (const runKey of this.running.keys())
      if (runKey.startsWith(prefix)) mine.push(Number(runKey.slice(prefix.length)))
    return mine
  }

  abort(s: string, id: number): void {
    this.running.get(`${s}:${id}`)?.controller.abort()
  }

  /** Aborts every call of scheduler `s`. */
  abortAll(s: string): void {
    for (const [runKey, call] of this.running) if (runKey.startsWith(`${s}:`)) call.controller.abort()
  }
}
