// Keep-alive clients over raw sockets, for the shutdown tests: every request sent is counted as
// answered, refused (503), or lost (the connection closed or was reset before its answer).
import { connect, type Socket } from 'node:net'

/** What one keep-alive client saw. */
export interface ClientCounts {
  sent: number
  /** Answers received in full, by status. */
  answered: Record<number, number>
  /** Answers that carried `Connection: close`. */
  closing: number
  /** Requests whose connection closed cleanly (FIN) before their answer. */
  closedBeforeAnswer: number
  /** Requests whose connection was reset (ECONNRESET) before their answer. */
  resetBeforeAnswer: number
  /** The connection closed (or was reset) with no request outstanding. */
  closedIdle: number
  /** Answers that came after the server said `Connection: close` (must be 0). */
  afterClose: number
}

/** Counts of a client that has sent nothing yet. */
function noCounts(): ClientCounts {
  return {
    sent: 0,
    answered: {},
    closing: 0,
    closedBeforeAnswer: 0,
    resetBeforeAnswer: 0,
    closedIdle: 0,
    afterClose: 0,
  }
}

/**
 * A client that sends `path` on one keep-alive connection, one request at a time, until the server
 * closes the connection, `stop()` is called, or `max` requests were sent. Resolves to its counts.
 */
export function keepAliveClient(
  port: number,
  path: string,
  max: number,
): { counts: ClientCounts; done: Promise<ClientCounts>; stop: () => void } {
  const counts = noCounts()
  let stopping = false
  let outstanding = false
  let saidClose = false
  let buffer = ''
  let reset = false
  const socket: Socket = connect(port, '127.0.0.1')
  socket.setEncoding('latin1')
  const send = () => {
    if (stopping || saidClose || counts.sent >= max) return void socket.end()
    counts.sent++
    outstanding = true
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  }
  const done = new Promise<ClientCounts>((resolve) => {
    socket.on('connect', send)
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffer.slice(0, end)
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0)
        if (buffer.length < end + 4 + length) return
        buffer = buffer.slice(end + 4 + length)
        const status = Number(head.slice(9, 12))
        if (saidClose) counts.afterClose++
        counts.answered[status] = (counts.answered[status] ?? 0) + 1
        if (/\r\nconnection: close/i.test(head)) {
          counts.closing++
          saidClose = true
        }
        outstanding = false
        send()
      }
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true
    })
    socket.on('close', () => {
      if (!outstanding) counts.closedIdle++
      else if (reset) counts.resetBeforeAnswer++
      else counts.closedBeforeAnswer++
      resolve(counts)
    })
  })
  return {
    counts,
    done,
    stop: () => {
      stopping = true
    },
  }
}

/** The counts of several clients, added up. */
export function total(all: ClientCounts[]): ClientCounts & { lost: number } {
  const sum = noCounts()
  for (const c of all) {
    sum.sent += c.sent
    for (const [status, n] of Object.entries(c.answered))
      sum.answered[Number(status)] = (sum.answered[Number(status)] ?? 0) + n
    sum.closing += c.closing
    sum.closedBeforeAnswer += c.closedBeforeAnswer
    sum.resetBeforeAnswer += c.resetBeforeAnswer
    sum.closedIdle += c.closedIdle
    sum.afterClose += c.afterClose
  }
  return { ...sum, lost: sum.closedBeforeAnswer + sum.resetBeforeAnswer }
}
