import { connect, type Socket } from 'node:net'

/**
 * A raw HTTP/1.1 client for the shutdown tests: requests are written as given (pipelined or one at
 * a time), answers are parsed as they come, and how the connection ended is told apart: a clean close
 * (the server's FIN) or a reset (ECONNRESET, EPIPE). Node's and undici's clients hide the difference.
 */

/** One parsed answer (bodies are framed by Content-Length: the test servers always send it). */
export interface RawAnswer {
  status: number
  /** Header names in lower case. */
  headers: Record<string, string>
  body: string
}

/** How a connection ended: `fin` (closed cleanly) or `reset`, with the error code. */
export type Ending = { how: 'fin' } | { how: 'reset'; code: string }

/** An open connection to a test server. */
export interface RawConnection {
  /** The answers received so far, in order. */
  answers: RawAnswer[]
  /** Writes raw bytes; false if the connection was already closed (nothing was sent). */
  write(raw: string): boolean
  /** Resolves with the next answer, or with how the connection ended if it ends first. */
  next(): Promise<RawAnswer | Ending>
  /** Resolves once the connection has ended, with how. */
  ended: Promise<Ending>
  socket: Socket
}

/** A GET request for `path` (HTTP/1.1, keep-alive). */
export const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`

/** Opens a connection to 127.0.0.1:`port`; rejects with the error code if it is refused. */
export function openRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const answers: RawAnswer[] = []
    const waiting: ((value: RawAnswer | Ending) => void)[] = []
    let buffer = Buffer.alloc(0)
    let ending: Ending | undefined
    let connected = false
    let settle!: (ending: Ending) => void
    const ended = new Promise<Ending>((resolve) => {
      settle = resolve
    })
    const finish = (how: Ending) => {
      if (ending) return
      ending = how
      settle(how)
      for (const wake of waiting.splice(0)) wake(how)
    }
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      for (let answer = parse(); answer; answer = parse()) {
        const wake = waiting.shift()
        if (wake) wake(answer)
        else answers.push(answer)
      }
    })
    const parse = (): RawAnswer | undefined => {
      const end = buffer.indexOf('\r\n\r\n')
      if (end < 0) return undefined
      const [statusLine, ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      if (headers['transfer-encoding']) {
        throw new Error(`raw-http reads Content-Length bodies only; got ${statusLine} chunked`)
      }
      const length = Number(headers['content-length'] ?? 0)
      if (buffer.length < end + 4 + length) return undefined
      const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8')
      buffer = buffer.subarray(end + 4 + length)
      return { status: Number(statusLine!.split(' ')[1]), headers, body }
    }
    socket.on('end', () => finish({ how: 'fin' }))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) reject(Object.assign(error, { code: error.code ?? 'ERROR' }))
      finish({ how: 'reset', code: error.code ?? error.message })
    })
    socket.on('close', () => finish({ how: 'fin' }))
    socket.once('connect', () => {
      connected = true
      resolve({
        answers,
        socket,
        ended,
        write: (raw) => {
          if (ending || !socket.writable) return false
          socket.write(raw, 'latin1')
          return true
        },
        next: () => {
          const answer = answers.shift()
          if (answer) return Promise.resolve(answer)
          if (ending) return Promise.resolve(ending)
          return new Promise((wake) => waiting.push(wake))
        },
      })
    })
  })
}

/** Whether `value` is an answer (not an ending). */
export const isAnswer = (value: RawAnswer | Ending): value is RawAnswer => 'status' in value
