/** One Server-Sent Event. `data` that is not a string is sent as JSON. */
export interface ServerSentEvent {
  data?: unknown
  event?: string
  id?: string
  /** Reconnection time in milliseconds. */
  retry?: number
  comment?: string
}

/** Options of `sse()`. */
export interface SSEOptions {
  /** Status of the response (default 200). */
  status?: number
  /** Extra headers. */
  headers?: HeadersInit
  /** Milliseconds between keep-alive comments (default 15000; 0 disables them). */
  keepAlive?: number
}

/**
 * The `Response` of `sse()`, typed with what the stream yields (each item an event or plain data),
 * so a typed client (`@tandem/client`) reads the events typed. The type parameter is types only.
 */
export interface EventStream<T = unknown> extends Response {
  /** Phantom: the type of the items streamed (never set at run time). */
  readonly '~events'?: T
}

function field(name: string, value: string): string {
  return value
    .split(/\r\n|\r|\n/)
    .map((line) => `${name}: ${line}`)
    .join('\n')
}

/** Encodes one event in the `text/event-stream` format. */
export function formatEvent(event: ServerSentEvent): string {
  const lines: string[] = []
  if (event.comment !== undefined) lines.push(field('', event.comment))
  if (event.event !== undefined) lines.push(field('event', event.event))
  if (event.id !== undefined) lines.push(field('id', event.id))
  if (event.retry !== undefined) lines.push(`retry: ${Math.floor(event.retry)}`)
  if (event.data !== undefined) {
    lines.push(field('data', typeof event.data === 'string' ? event.data : JSON.stringify(event.data)))
  }
  return `${lines.join('\n')}\n\n`
}

function isEvent(value: unknown): value is ServerSentEvent {
  if (value === null || typeof value !== 'object') return false
  const keys = Object.keys(value)
  return (
    keys.length > 0 &&
    keys.every((k) => k === 'data' || k === 'event' || k === 'id' || k === 'retry' || k === 'comment')
  )
}

/**
 * A Server-Sent Events response (`text/event-stream`) from an async iterable: each item is an
 * event (`{ data, event, id, retry, comment }`) or plain data (sent as JSON). Keep-alive comments
 * are sent every 15 s; the iterable is closed when the client goes away.
 *
 * @example
 * app.get('/ticks', {}, ({ signal }) => sse((async function* () {
 *   for (let i = 0; !signal.aborted; i++) {
 *     yield { event: 'tick', data: { i } }
 *     await new Promise((r) => setTimeout(r, 1000))
 *   }
 * })()))
 */
export function sse<T>(source: AsyncIterable<T> | Iterable<T>, options: SSEOptions = {}): EventStream<T> {
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (source as Iterable<unknown>)[Symbol.iterator]()
  const encoder = new TextEncoder()
  const keepAlive = options.keepAlive ?? 15_000
  let timer: ReturnType<typeof setInterval> | undefined
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (keepAlive > 0) {
        timer = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(': ping\n\n'))
          } catch {
            clearInterval(timer)
          }
        }, keepAlive)
      }
    },
    async pull(controller) {
      try {
        const { done, value } = await iterator.next()
        if (cancelled) return
        if (done) {
          clearInterval(timer)
          controller.close()
          return
        }
        const event = isEvent(value) ? value : { data: value }
        controller.enqueue(encoder.encode(formatEvent(event)))
      } catch (error) {
        clearInterval(timer)
        if (!cancelled) controller.error(error)
      }
    },
    async cancel(reason) {
      cancelled = true
      clearInterval(timer)
      await iterator.return?.(reason)
    },
  })
  const headers = new Headers(options.headers)
  headers.set('content-type', 'text/event-stream; charset=utf-8')
  headers.set('cache-control', 'no-cache')
  headers.set('x-accel-buffering', 'no')
  return new Response(stream, { status: options.status ?? 200, headers })
}
