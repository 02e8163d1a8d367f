import { availableParallelism, hostname } from 'node:os'
import { type Msg, type NatsConnection, nuid } from '@nats-io/transport-node'
import type { RemoteExecution, Scheduler, SchedulerStats } from '@tandem/core/adapter'
import { blockingFingerprint, blockingRegistry } from '@tandem/core/adapter'
import {
  deserializeError,
  type Entry,
  entryHref,
  markPoolWorker,
  type PortFilterModule,
  REPLIED,
  type SerializedError,
  serializeError,
} from '@tandem/core/pool'
import {
  connectNats,
  consoleLogger,
  type NatsConnectionOptions,
  type NatsLogger,
  onStatus,
} from './connection.ts'
import {
  compatibilityKey,
  decode,
  encode,
  type FromWorker,
  type Heartbeat,
  RUNTIME,
  type SchedulerBeat,
  type ToWorker,
  tooBig,
} from './wire.ts'

/** The local scheduler a NATS worker runs calls on: a thread pool, with its remote execution. */
export type LocalPool = Scheduler & { readonly remote: RemoteExecution; start?(): Promise<void> }

/** Options of `runNatsWorker`. */
export type NatsWorkerOptions = NatsConnectionOptions & {
  /** The app's entry module (a path or `file:` URL): it declares the blocking functions, as pool workers load it. */
  entry: Entry
  /** The subject prefix shared with the scheduler (default `tandem`). */
  subject?: string
  /** Calls run at once, one thread each (default: this machine's cores). */
  concurrency?: number
  /** Milliseconds between heartbeats (default 1000); schedulers take a worker for lost after 3 missed. */
  heartbeat?: number
  /** Milliseconds a stop waits for the requests in progress (default 30 000). */
  drainTimeout?: number
  /**
   * Threads publish their answers on NATS connections of their own, one per thread (default true):
   * an answer skips the hop back to the worker's event loop. `false` keeps the worker at one
   * connection (an account with a connection limit), every answer going through its event loop.
   */
  threadAnswers?: boolean
  /** Where the worker logs (default: the console). */
  logger?: NatsLogger
  /**
   * Makes the local thread pool (default: `@tandem/node`'s or `@tandem/bun`'s, for the runtime). A
   * pool that loads `portFilter` in its threads lets them answer the scheduler themselves.
   */
  pool?: (
    entry: Entry,
    options: { size: number; portFilter?: PortFilterModule },
  ) => LocalPool | Promise<LocalPool>
}

/** A running NATS worker. */
export interface NatsWorker {
  /** Its id: it takes calls on `<subject>.w.<id>`. */
  readonly id: string
  /** Its compatibility key (blocking functions, runtime, codec): it gets the calls of schedulers with the same. */
  readonly key: string
  /** Threads it runs calls on. */
  readonly capacity: number
  /** The local pool's counters. */
  stats(): SchedulerStats
  /**
   * Stops: takes no new request, lets the ones in progress finish (up to `drainTimeout`), says bye
   * to the schedulers, then stops its threads and leaves NATS.
   */
  close(): Promise<void>
}

interface Running {
  controller: AbortController
}

/** What a worker keeps for one request of one scheduler. */
interface KeptRequest {
  local: number
  /** Open blocking yield dependencies (each holds its thread). */
  holds: number
}

async function defaultPool(
  entry: Entry,
  options: { size: number; portFilter?: PortFilterModule },
): Promise<LocalPool> {
  if (RUNTIME === 'bun') {
    const { createBunPool } = await import('@tandem/bun')
    return createBunPool(entry, options)
  }
  const { createNodePool } = await import('@tandem/node')
  return createNodePool(entry, options)
}

/**
 * Runs a NATS worker in this process: loads the app's entry module (its blocking functions, as pool
 * workers do; `serve()` there does not listen), starts a thread pool of `concurrency` threads that
 * runs the app's lifespan, connects to NATS and takes the calls of every scheduler whose blocking
 * functions are the same. The bin `tandem-nats-worker` calls it.
 *
 * @example
 * import { runNatsWorker } from '@tandem/nats'
 * const worker = await runNatsWorker({ entry: './src/app.ts', servers: 'nats://10.0.0.5:4222' })
 * process.on('SIGTERM', () => worker.close())
 */
export async function runNatsWorker(options: NatsWorkerOptions): Promise<NatsWorker> {
  const subject = options.subject ?? 'tandem'
  const logger = options.logger ?? consoleLogger
  const every = options.heartbeat ?? 1000
  const capacity = options.concurrency ?? availableParallelism()
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new TypeError(`concurrency must be a whole number of threads, at least 1 (got ${capacity}).`)
  }
  markPoolWorker()
  const href = entryHref(options.entry, process.cwd())
  await import(href)
  const registry = blockingRegistry()
  if (registry.length === 0) {
    throw new Error(
      `${href} declared no blocking functions: a NATS worker runs only blocking() functions. ` +
        'Give it the module that declares them (the app entry that the server loads).',
    )
  }
  const key = compatibilityKey(blockingFingerprint())
  // Shared with the threads (thread.ts): [0] answers they published themselves (counted there
  // first; with those the event loop has seen settle, the threads free though the pool does not
  // know it yet), [1] this connection's changes, [2] 1 while it is up.
  const shared = new Int32Array(new SharedArrayBuffer(12))
  let settledDelivered = 0
  const portFilter =
    options.threadAnswers === false ? undefined : threadFilter(options, shared.buffer, logger)
  const pool = await (options.pool ?? defaultPool)(options.entry, {
    size: capacity,
    ...(portFilter ? { portFilter } : {}),
  })
  await pool.start?.()
  let nc: NatsConnection
  try {
    nc = await connectNats(options, `tandem-nats-worker ${hostname()}:${process.pid}`)
  } catch (error) {
    await pool.close()
    throw error
  }
  Atomics.store(shared, 2, 1)
  const id = nuid.next()
  const maxPayload = () => nc.info?.max_payload ?? 1024 * 1024
  const running = new Map<string, Running>()
  const requests = new Map<string, KeptRequest>()
  const schedulers = new Map<string, { seen: number; lostAfter: number }>()
  let draining = false
  let connected = true
  let holding = 0

  const beat = (extra: Partial<Heartbeat> = {}): void => {
    const stats = pool.stats()
    const heartbeat: Heartbeat = {
      id,
      key,
      runtime: RUNTIME,
      host: hostname(),
      pid: process.pid,
      capacity,
      busy: stats.busy,
      queued: stats.queued,
      every,
      ...(draining ? { draining } : {}),
      ...extra,
    }
    if (!nc.isClosed()) nc.publish(`${subject}.hb`, encode(heartbeat))
  }

  /** A thread is free for a new request: none running, waiting or held by an open yield dependency. */
  const free = (): boolean => {
    const stats = pool.stats()
    const inTransit = Atomics.load(shared, 0) - settledDelivered
    return !draining && stats.busy - inTransit + stats.queued + holding < capacity
  }

  const reply = (msg: Msg, answer: FromWorker, label: string): void => {
    if (!msg.reply) return
    let data: Uint8Array
    try {
      data = encode(answer)
    } catch (error) {
      data = encode({
        t: 'err',
        error: serializeError(
          new TypeError(
            `The result of ${label} cannot be sent from the NATS worker (${(error as Error).message}). ` +
              'Return plain data: objects, arrays, Maps, Dates, typed arrays.',
          ),
        ),
      } satisfies FromWorker)
    }
    if (data.byteLength > maxPayload()) {
      data = encode({
        t: 'err',
        error: serializeError(
          tooBig(`The result of ${label}`, data.byteLength, maxPayload(), nc.getServer()),
        ),
      } satisfies FromWorker)
    }
    try {
      msg.respond(data)
    } catch (error) {
      logger.error(`tandem-nats-worker: could not answer ${label}`, error)
    }
  }

  const fail = (msg: Msg, error: unknown, label = 'a call'): void =>
    reply(msg, { t: 'err', error: serializeError(error) }, label)

  /** Runs one call or step on the local pool and answers it. */
  const run = (
    msg: Msg,
    s: string,
    callId: number,
    label: string,
    call: (signal: AbortSignal) => Promise<unknown>,
  ) => {
    const runKey = `${s}:${callId}`
    const controller = new AbortController()
    running.set(runKey, { controller })
    let result: Promise<unknown>
    try {
      result = call(controller.signal)
    } catch (error) {
      result = Promise.reject(error)
    }
    result.then(
      (value) => {
        running.delete(runKey)
        // The thread published the answer itself.
        if (value === REPLIED || (value as { value?: unknown } | undefined)?.value === REPLIED) {
          settledDelivered++
          return
        }
        reply(msg, { t: 'ok', value }, label)
      },
      (error) => {
        running.delete(runKey)
        fail(msg, error, label)
      },
    )
  }

  const infoOf = (fn: number) => {
    const info = registry[fn]
    if (!info) throw new Error(`This worker has no blocking function #${fn}.`)
    return info
  }

  const unknownRequest = (s: string, request: number) =>
    new Error(
      `Request ${request} of scheduler ${s} has no values on NATS worker ${id} (released, or the worker restarted).`,
    )

  const handle = (msg: Msg) => {
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
    schedulers.set(message.s, { seen: Date.now(), lostAfter: schedulers.get(message.s)?.lostAfter ?? 5000 })
    switch (message.t) {
      case 'ping': {
        const prefix = `${message.s}:`
        const mine: number[] = []
        for (const runKey of running.keys())
          if (runKey.startsWith(prefix)) mine.push(Number(runKey.slice(prefix.length)))
        reply(msg, { t: 'pong', running: mine }, 'a ping')
        return
      }
      case 'abort':
        running.get(`${message.s}:${message.id}`)?.controller.abort()
        return
      case 'release': {
        const requestKey = `${message.s}:${message.request}`
        const kept = requests.get(requestKey)
        if (!kept) return
        requests.delete(requestKey)
        holding -= kept.holds
        pool.remote.release(kept.local)
        return
      }
      case 'call': {
        if (message.key !== key) return fail(msg, incompatible(id, key, message.key))
        const kept =
          message.request === undefined ? undefined : requests.get(`${message.s}:${message.request}`)
        if (!kept && !free()) return reply(msg, { t: 'busy' }, 'a call')
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
        const requestKey = `${message.s}:${message.request}`
        let kept = requests.get(requestKey)
        if (!kept) {
          if (!free()) return reply(msg, { t: 'busy' }, 'a call')
          kept = { local: pool.remote.newRequest(), holds: 0 }
          requests.set(requestKey, kept)
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
          if (message.yields && result.exit !== undefined && requests.get(requestKey) === request) {
            request.holds++
            holding++
          }
          return result
        })
      }
      case 'fetch':
      case 'exit':
      case 'task': {
        const requestKey = `${message.s}:${message.request}`
        const kept = requests.get(requestKey)
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
        const { exit } = message
        return run(msg, message.s, message.id, 'a cleanup', async () => {
          try {
            return await pool.remote.exit(kept.local, exit, raised)
          } finally {
            if (kept.holds > 0 && requests.get(requestKey) === kept) {
              kept.holds--
              holding--
            }
          }
        })
      }
    }
  }

  /** Forgets the requests of a scheduler gone silent (its values and held threads would leak). */
  const sweep = (): void => {
    if (!connected) return
    const now = Date.now()
    for (const [s, seen] of schedulers) {
      if (now - seen.seen <= seen.lostAfter) continue
      schedulers.delete(s)
      let released = 0
      for (const [requestKey, kept] of requests) {
        if (!requestKey.startsWith(`${s}:`)) continue
        requests.delete(requestKey)
        holding -= kept.holds
        pool.remote.release(kept.local)
        released++
      }
      for (const [runKey, call] of running) if (runKey.startsWith(`${s}:`)) call.controller.abort()
      if (released > 0) {
        logger.warn(
          `tandem-nats-worker: scheduler ${s} went silent; released the values of its ${released} request(s).`,
        )
      }
    }
  }

  nc.subscribe(`${subject}.w.${id}`, { callback: (_error, msg) => handle(msg) })
  nc.subscribe(`${subject}.discover`, { callback: () => beat() })
  nc.subscribe(`${subject}.shb`, {
    callback: (_error, msg) => {
      try {
        const { s, lostAfter } = decode<SchedulerBeat>(msg.data)
        schedulers.set(s, { seen: Date.now(), lostAfter })
      } catch {}
    },
  })
  onStatus(nc, (status) => {
    if (status.type === 'disconnect') {
      Atomics.store(shared, 2, 0)
      Atomics.add(shared, 1, 1)
      connected = false
      logger.warn(`tandem-nats-worker: lost the connection to NATS; reconnecting.`)
    }
    if (status.type === 'reconnect') {
      Atomics.add(shared, 1, 1)
      Atomics.store(shared, 2, 1)
      connected = true
      logger.info(`tandem-nats-worker: reconnected to NATS at ${nc.getServer()}.`)
      // Schedulers were silent because this worker was cut off, not because they are gone.
      const now = Date.now()
      for (const seen of schedulers.values()) seen.seen = now
      beat()
    }
  })
  const timer = setInterval(() => {
    beat()
    sweep()
  }, every)
  await nc.flush()
  beat()
  logger.info(
    `tandem-nats-worker ${id}: ${capacity} thread${capacity === 1 ? '' : 's'} (${RUNTIME}) for ${registry.length} ` +
      `blocking function${registry.length === 1 ? '' : 's'} of ${href}, on subject ${subject} at ${nc.getServer()}`,
  )

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true
      beat()
      const deadline = Date.now() + (options.drainTimeout ?? 30_000)
      while ((running.size > 0 || requests.size > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      clearInterval(timer)
      beat({ bye: true })
      await nc.flush().catch(() => {})
      await nc.drain().catch(() => {})
      await pool.close()
    })()
    return closing
  }

  return { id, key, capacity, stats: () => pool.stats(), close }
}

function incompatible(id: string, mine: string, theirs: string): Error {
  return new Error(
    `NATS worker ${id} has other blocking functions (key ${mine}) than the scheduler (key ${theirs}): the call was not run. ` +
      'Deploy the same app version to the server and the workers.',
  )
}

/** Options of the NATS client that a pool thread cannot be given (functions): without them, it can. */
const threadOnly = (options: NatsWorkerOptions): Record<string, unknown> => {
  const {
    entry: _entry,
    subject: _s,
    concurrency: _c,
    heartbeat: _h,
    drainTimeout: _d,
    threadAnswers: _t,
    logger: _l,
    pool: _p,
    ...rest
  } = options
  return rest
}

/**
 * The port filter module that lets the pool's threads publish their answers (`thread.ts`), with the
 * connection options, if they can cross to a thread (an `authenticator` function cannot: then the
 * answers go through the event loop, as before).
 */
function threadFilter(
  options: NatsWorkerOptions,
  shared: SharedArrayBuffer,
  logger: NatsLogger,
): PortFilterModule | undefined {
  let connection: unknown
  try {
    connection = structuredClone(threadOnly(options))
  } catch {
    logger.info(
      'tandem-nats-worker: the connection options hold functions, which threads cannot be given; ' +
        'answers go through the event loop (about 50 µs more per call).',
    )
    return undefined
  }
  const own = import.meta.url.endsWith('.ts') ? './thread.ts' : './thread.js'
  return {
    href: new URL(own, import.meta.url).href,
    options: { connection, name: `tandem-nats-worker ${hostname()}:${process.pid} thread`, shared },
  }
}
