// Real `bun` server processes and raw sockets for the tests: traffic to 127.0.0.1 only, processes
// stopped by their PID, every wait bounded.
import { connect } from 'node:net'
import { join } from 'node:path'

/** A fixture server running in its own `bun` process. */
export interface Proc {
  url: string
  port: number
  pid: number
  output: () => string
  /** Sends `signal` (default SIGTERM) to the process and resolves to its exit code. */
  stop: (signal?: number) => Promise<number>
  exited: Promise<number>
}

/** Starts `fixtures/<fixture>` and resolves once it prints `READY <url>`. */
export async function start(fixture = 'server.ts', env: Record<string, string> = {}): Promise<Proc> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'fixtures', fixture)], {
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) output += decoder.decode(chunk)
  }
  void pump(child.stdout)
  void pump(child.stderr)
  await until(() => /READY (\S+)/.test(output) || child.exitCode !== null, 20_000, 'the bun server to start')
  const url = /READY (\S+)/.exec(output)?.[1]
  if (!url) throw new Error(`the bun server did not start:\n${output}`)
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid,
    output: () => output,
    stop: async (signal = 15) => {
      if (child.exitCode === null) process.kill(child.pid, signal)
      return child.exited
    },
    exited: child.exited,
  }
}

/** Polls `check` every 10 ms; throws after `timeout` ms, naming what it waited for. */
export async function until(check: () => boolean, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeout} ms.`)
    await Bun.sleep(10)
  }
}

/** What came back on one raw connection. */
export interface Exchange {
  /** Everything the server sent. */
  text: string
  /** The status of each response, in order (a response starts with `HTTP/1.1 nnn`). */
  statuses: number[]
  /** The server closed the connection (a FIN or a reset) before the deadline. */
  closed: boolean
  /** The server reset the connection (ECONNRESET) rather than closing it cleanly. */
  reset: boolean
}

/**
 * Writes `payload` on a new connection to `port` and collects what comes back until the server
 * closes the connection or `deadline` ms pass (then `closed` is false).
 */
export function exchange(port: number, payload: string, deadline = 20_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    let reset = false
    const done = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))
      resolve({ text, statuses, closed, reset })
    }
    const timer = setTimeout(() => done(false), deadline)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') reset = true
    })
    socket.on('close', () => done(true))
    socket.write(payload)
  })
}

/** The value of `name` in the first response of `text` (case-insensitive), if any. */
export function header(text: string, name: string): string | undefined {
  const head = text.slice(0, text.indexOf('\r\n\r\n'))
  return new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(head)?.[1]
}
