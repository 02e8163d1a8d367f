import type { SSEMessage } from './result.ts'

/**
 * Streamed bodies as async iterables, read as they arrive: JSON Lines (one JSON value per line) and
 * Server-Sent Events. Leaving a `for await` early (break, throw) cancels the body, which tells the
 * server the client has gone.
 */

/** The lines of a body, without their `\n` (a last line without one included). */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let done = false
  try {
    while (!done) {
      const chunk = await reader.read()
      done = chunk.done
      buffer += done ? decoder.decode() : decoder.decode(chunk.value, { stream: true })
      let end = buffer.indexOf('\n')
      while (end !== -1) {
        yield buffer.slice(0, end)
        buffer = buffer.slice(end + 1)
        end = buffer.indexOf('\n')
      }
    }
    if (buffer) yield buffer
  } finally {
    // Stopped early: cancel the body so the server stops producing it.
    if (!done) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}

/** An iterable a `for await` consumes once (a body can be read once). */
function once<T>(make: () => AsyncGenerator<T>, what: string): AsyncIterable<T> {
  let used = false
  return {
    [Symbol.asyncIterator]() {
      if (used) throw new TypeError(`This ${what} stream has been read already: a body can be read once.`)
      used = true
      return make()
    },
  }
}

/** A JSON Lines body (`application/jsonl`): each non-empty line parsed as JSON. */
export function jsonLines(body: ReadableStream<Uint8Array>): AsyncIterable<unknown> {
  return once(async function* () {
    for await (const line of lines(body)) if (line.trim()) yield JSON.parse(line)
  }, 'JSON Lines')
}

/** `data` as the server meant it: JSON when it parses, else the text (the server sends strings as is). */
function parseData(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A `text/event-stream` body: one message per event that has data (comments and keep-alives skipped). */
export function serverSentEvents(body: ReadableStream<Uint8Array>): AsyncIterable<SSEMessage> {
  return once(async function* () {
    let data: string[] = []
    let event: string | undefined
    let id: string | undefined
    let retry: number | undefined
    for await (const raw of lines(body)) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      if (line === '') {
        if (data.length > 0) yield { data: parseData(data.join('\n')), event, id, retry }
        data = []
        event = id = retry = undefined
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      let value = colon === -1 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'data') data.push(value)
      else if (field === 'event') event = value
      else if (field === 'id') id = value
      else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value)
    }
  }, 'event')
}
