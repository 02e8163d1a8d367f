import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type { SuiteApi } from './fault-suite.ts'

/** A server of websocket-app.ts on some runtime. */
export interface WebSocketServerProcess {
  url: string
  stop(): Promise<unknown>
}

/** A client over the runtime's own `WebSocket` (Node 24's, Bun's). */
interface Client {
  send(value: unknown): void
  sendText(text: string): void
  /** The next message, parsed as JSON. */
  next(): Promise<unknown>
  close(code?: number): void
  closed: Promise<{ code: number; reason: string }>
}

function open(url: string): Promise<Client> {
  const socket = new WebSocket(url)
  const queue: unknown[] = []
  const waiting: ((value: unknown) => void)[] = []
  socket.addEventListener('message', (event) => {
    const value = JSON.parse(String(event.data))
    const waiter = waiting.shift()
    if (waiter) waiter(value)
    else queue.push(value)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  )
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () =>
      resolve({
        send: (value) => socket.send(JSON.stringify(value)),
        sendText: (text) => socket.send(text),
        next: () =>
          queue.length > 0
            ? Promise.resolve(queue.shift())
            : within(new Promise((r) => waiting.push(r)), 5000, 'a message'),
        close: (code = 1000) => socket.close(code),
        closed: within(closed, 5000, 'the close'),
      }),
    )
    socket.addEventListener('error', () => reject(new Error(`could not open ${url}`)))
  })
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Opens a WebSocket over a raw TCP connection (the handshake by hand), waits for the first frame,
 * then drops the connection without a close frame: a client that vanishes.
 */
function vanish(base: string, path: string): Promise<void> {
  const { hostname, port } = new URL(base)
  return within(
    new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname)
      let received = Buffer.alloc(0)
      socket.on('error', reject)
      socket.on('connect', () =>
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      )
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk])
        const end = received.indexOf('\r\n\r\n')
        if (end < 0) return
        if (!received.subarray(0, 12).toString().includes('101')) {
          reject(new Error(`no upgrade: ${received.toString()}`))
          return
        }
        if (received.length > end + 4) {
          socket.destroy() // the first frame is in: gone, without a close frame
          resolve()
        }
      })
    }),
    5000,
    'upgrade and first frame',
  )
}

/**
 * The WebSocket behaviour every runtime shares, over real connections to `start()`'s server of
 * websocket-app.ts: typed messages, a handshake refused by a dependency (1008), blocking work from a
 * message, yield cleanup when the client closes and when it vanishes.
 */
export function runWebSocketSuite(
  runtime: 'node' | 'bun' | 'workerd',
  start: () => Promise<WebSocketServerProcess>,
  { describe, it, expect }: SuiteApi,
): void {
  describe(`WebSockets on ${runtime} (real connections)`, () => {
    let server: WebSocketServerProcess | undefined
    const ws = (path: string) => `${server!.url.replace(/^http/, 'ws')}${path}`
    const events = async () => (await (await fetch(`${server!.url}/events`)).json()) as string[]
    const eventually = async (check: (list: string[]) => boolean) => {
      const deadline = Date.now() + 5000
      let list = await events()
      while (!check(list)) {
        if (Date.now() > deadline) throw new Error(`events never matched: ${JSON.stringify(list)}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
        list = await events()
      }
      return list
    }
    const withServer = (name: string, fn: () => Promise<void>) =>
      it(name, async () => {
        server ??= await start()
        await fn()
      }, 60_000)

    withServer('exchanges typed messages, and closes 1008 with the issues for an invalid one', async () => {
      const client = await open(ws('/ws/echo'))
      client.send({ text: 'hi' })
      expect(await client.next()).toEqual({ echo: 'hi', n: 1 })
      client.send({ text: 'again' })
      expect(await client.next()).toEqual({ echo: 'again', n: 2 })
      client.send({ text: 5 })
      const closed = await client.closed
      expect(closed.code).toBe(1008)
      expect(JSON.parse(closed.reason)).toEqual([
        { type: 'string_type', loc: ['message', 'text'], msg: 'Input should be a valid string' },
      ])
    })

    withServer('refuses a handshake with 1008 when a dependency or an input says no', async () => {
      const denied = await open(ws('/ws/orders/1?token=wrong'))
      expect(await denied.closed).toEqual({ code: 1008, reason: 'Not authenticated' })
      const missing = await open(ws('/ws/orders/1'))
      const closed = await missing.closed
      expect(closed.code).toBe(1008)
      expect(JSON.parse(closed.reason)).toEqual([
        { type: 'missing', loc: ['query', 'token'], msg: 'Field required' },
      ])
      const badPath = await open(ws('/ws/orders/x?token=letmein'))
      expect((await badPath.closed).code).toBe(1008)
      // The handler never ran; a dependency that did run (the subscription, beside the refused
      // customer: validation errors accumulate as in FastAPI) was closed again.
      const ones = (
        await eventually((list) => !list.includes('subscribe 1') || list.includes('unsubscribe 1'))
      ).filter((event) => event.endsWith(' 1'))
      expect(ones.filter((event) => event === 'subscribe 1').length).toBe(
        ones.filter((event) => event === 'unsubscribe 1').length,
      )
      expect((await events()).some((event) => event.startsWith('handler'))).toBe(false)
    })

    withServer('runs blocking work from a message handler (on the pool where there is one)', async () => {
      const client = await open(ws('/ws/bake'))
      client.send({ rounds: 5 })
      client.send({ rounds: 7 })
      const onWorker = runtime !== 'workerd'
      expect(await client.next()).toEqual({ rounds: 5, x: expect.any(Number), onWorker })
      expect(await client.next()).toEqual({ rounds: 7, x: expect.any(Number), onWorker })
      client.close()
      expect((await client.closed).code).toBe(1000)
    })

    withServer(
      'closes yield dependencies when the client closes, after the handler saw the signal',
      async () => {
        const client = await open(ws('/ws/orders/2?token=letmein'))
        expect(await client.next()).toEqual({ customer: 'alice', id: 2, status: 'grilling' })
        client.send('status?')
        expect(await client.next()).toEqual({ id: 2, status: 'grilling' })
        client.close(1000)
        await client.closed
        const list = await eventually((list) => list.includes('unsubscribe 2'))
        const mine = list.filter((event) => event.endsWith(' 2') || event.startsWith('handler'))
        expect(mine).toEqual(['subscribe 2', 'handler ended, signal aborted', 'unsubscribe 2'])
      },
    )

    withServer('closes yield dependencies when the client vanishes without a close frame', async () => {
      await vanish(server!.url, '/ws/orders/3?token=letmein')
      await eventually((list) => list.includes('unsubscribe 3'))
    })

    withServer('stops', async () => {
      await server?.stop()
      server = undefined
    })
  })
}
