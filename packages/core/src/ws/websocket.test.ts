import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type ServerAdapter, serveWith, upgradeWebSocket } from '../adapter/index.ts'
import {
  App,
  blocking,
  depends,
  HTTPException,
  Router,
  WebSocketException,
  WebSocketValidationError,
} from '../index.ts'

/** A raw socket standing in for the runtime's: what was sent, how it was closed. */
function fakeSocket() {
  const sent: (string | Uint8Array)[] = []
  let closed: { code: number; reason: string } | undefined
  return {
    sent,
    json: () => sent.map((m) => JSON.parse(m as string)),
    get closed() {
      return closed
    },
    raw: {
      send: (data: string | Uint8Array) => sent.push(data),
      close: (code: number, reason: string) => {
        closed ??= { code, reason }
      },
    },
  }
}

async function connect(app: App<any, any>, path: string, init?: RequestInit) {
  const request = new Request(`http://localhost${path}`, {
    ...init,
    headers: { upgrade: 'websocket', ...(init?.headers as Record<string, string>) },
  })
  const upgrade = await upgradeWebSocket(app, request)
  if (upgrade instanceof Response) throw new Error(`refused with ${upgrade.status}`)
  const socket = fakeSocket()
  const events = upgrade.open(socket.raw)
  return { upgrade, socket, events }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('app.ws', () => {
  it('echoes typed messages and closes 1000 when the handler returns', async () => {
    const app = new App()
    app.ws(
      '/echo/:room',
      {
        params: { room: z.number().int() },
        receive: z.object({ text: z.string() }),
        send: z.object({ room: z.number(), echo: z.string() }),
      },
      async ({ socket, params }) => {
        for await (const message of socket) {
          if (message.text === 'bye') return
          socket.send({ room: params.room, echo: message.text })
        }
      },
    )
    const { socket, events, upgrade } = await connect(app, '/echo/7')
    expect(upgrade.refused).toBeUndefined()
    events.message('{"text":"hi"}')
    events.message(new TextEncoder().encode('{"text":"there"}'))
    events.message('{"text":"bye"}')
    await upgrade.done
    expect(socket.json()).toEqual([
      { room: 7, echo: 'hi' },
      { room: 7, echo: 'there' },
    ])
    expect(socket.closed).toEqual({ code: 1000, reason: '' })
  })

  it('closes 1008 with FastAPI-shaped issues for an invalid message, unless the handler catches it', async () => {
    const app = new App()
    app.ws('/strict', { receive: z.object({ n: z.number().int() }) }, async ({ socket }) => {
      for await (const message of socket) socket.send(message.n * 2)
    })
    app.ws('/lenient', { receive: z.object({ n: z.number().int() }) }, async ({ socket }) => {
      for (;;) {
        try {
          socket.send(((await socket.receive()) as { n: number }).n)
        } catch (error) {
          if (!(error instanceof WebSocketValidationError)) throw error
          socket.send({ detail: error.issues })
        }
      }
    })
    const strict = await connect(app, '/strict')
    strict.events.message('{"n":2}')
    strict.events.message('{"n":"x"}')
    await strict.upgrade.done
    expect(strict.socket.json()).toEqual([4])
    expect(strict.socket.closed?.code).toBe(1008)
    expect(JSON.parse(strict.socket.closed!.reason)).toEqual([
      { type: 'int_type', loc: ['message', 'n'], msg: 'Input should be a valid integer' },
    ])

    const lenient = await connect(app, '/lenient')
    lenient.events.message('not json')
    lenient.events.message('{"n":3}')
    await tick()
    expect(lenient.socket.json()).toEqual([
      { detail: [expect.objectContaining({ type: 'json_invalid', loc: ['message', 0] })] },
      3,
    ])
    lenient.events.close(1000, '')
    await lenient.upgrade.done
  })

  it('refuses the connection with 1008 when a dependency or an input says no; the handler never runs', async () => {
    const app = new App()
    const events: string[] = []
    const db = depends(async function* () {
      events.push('db open')
      try {
        yield 'db'
      } finally {
        events.push('db closed')
      }
    })
    const user = depends({ query: { token: z.string() }, deps: { db } }, ({ query }) => {
      if (query.token !== 'secret') throw new HTTPException(401, 'Not authenticated')
      return 'alice'
    })
    const ticket = depends(() => {
      throw new WebSocketException(4001, 'No ticket')
    })
    app.ws('/feed', { deps: { user } }, () => {
      events.push('handler')
    })
    app.ws('/ticket', { deps: { ticket } }, () => {
      events.push('handler')
    })
    const denied = await connect(app, '/feed?token=nope')
    expect(denied.upgrade.refused).toEqual({ code: 1008, reason: 'Not authenticated' })
    expect(denied.socket.closed).toEqual({ code: 1008, reason: 'Not authenticated' })
    expect(events).toEqual(['db open', 'db closed'])

    const missing = await connect(app, '/feed')
    expect(missing.socket.closed?.code).toBe(1008)
    expect(JSON.parse(missing.socket.closed!.reason)).toEqual([
      { type: 'missing', loc: ['query', 'token'], msg: 'Field required' },
    ])
    expect((await connect(app, '/ticket')).socket.closed).toEqual({ code: 4001, reason: 'No ticket' })
    expect(events).not.toContain('handler')
  })

  it('runs yield cleanups and aborts the signal when the client goes away', async () => {
    const app = new App()
    const events: string[] = []
    const feed = depends(async function* () {
      events.push('subscribe')
      try {
        yield { next: () => 'ready' }
      } finally {
        events.push('unsubscribe')
      }
    })
    let signal: AbortSignal | undefined
    app.ws('/orders', { deps: { feed } }, async ({ socket, deps, signal: s }) => {
      signal = s
      socket.send(deps.feed.next())
      for await (const _ of socket) {
        // listening until the client leaves
      }
      events.push('handler done')
    })
    const { events: on, upgrade, socket } = await connect(app, '/orders')
    await tick()
    expect(signal?.aborted).toBe(false)
    on.close(1006, '')
    await upgrade.done
    expect(signal?.aborted).toBe(true)
    expect(socket.json()).toEqual(['ready'])
    expect(events).toEqual(['subscribe', 'handler done', 'unsubscribe'])
    await app.settled()
  })

  it('calls blocking functions from a message handler, and closes 1011 on an error', async () => {
    const app = new App({ logger: { error: () => {}, warn: () => {} } })
    const square = blocking((n: number) => n * n)
    app.ws('/square', { receive: z.number() }, async ({ socket }) => {
      for await (const n of socket) {
        if (n < 0) throw new Error('negative')
        socket.send(await square(n))
      }
    })
    const { events, upgrade, socket } = await connect(app, '/square')
    events.message('3')
    events.message('-1')
    await upgrade.done
    expect(socket.json()).toEqual([9])
    expect(socket.closed).toEqual({ code: 1011, reason: 'Internal Server Error' })
  })

  it('matches included routers with prefixes, answers 404 for unknown paths, 426 from app.fetch without a runtime socket', async () => {
    const app = new App()
    const router = new Router({ prefix: '/r' })
    router.ws('/live/:id', ({ socket, params }) => socket.send(params.id))
    app.include(router, { prefix: '/api' })
    const { socket, upgrade } = await connect(app, '/api/r/live/a%20b')
    await upgrade.done
    expect(socket.json()).toEqual(['a b'])
    const none = await upgradeWebSocket(app, new Request('http://localhost/nope'))
    expect((none as Response).status).toBe(404)
    const viaFetch = await app.request('/api/r/live/1', { headers: { upgrade: 'websocket' } })
    expect(viaFetch.status).toBe(426)
    expect((await app.request('/api/r/live/1')).status).toBe(404)
  })

  it('closes open sockets with 1001 when the server shuts down, and waits for their cleanups', async () => {
    const app = new App()
    const events: string[] = []
    const feed = depends(async function* () {
      try {
        yield 'feed'
      } finally {
        events.push('closed')
      }
    })
    app.ws('/feed', { deps: { feed } }, async ({ socket }) => {
      for await (const _ of socket) {
        // until closed
      }
    })
    const { socket } = await connect(app, '/feed')
    await app.close()
    expect(socket.closed).toEqual({ code: 1001, reason: 'The server is shutting down' })
    expect(events).toEqual(['closed'])
    const late = await connect(app, '/feed')
    expect(late.socket.closed?.code).toBe(1001)
  })

  it('refuses mistakes where they are written', () => {
    const app = new App()
    expect(() => app.ws('/x', { body: z.string() } as never, () => {})).toThrow(/has no body/)
    expect(() => app.ws('/x', blocking(() => {}) as never)).toThrow(/runs on the event loop/)
    expect(() => app.ws('/x/:id', { params: { nope: z.string() } }, () => {})).toThrow(/params.nope/)
  })

  it('is refused at start-up by an adapter that does not serve WebSockets, naming the runtime and the docs', async () => {
    const app = new App()
    app.ws('/live', () => {})
    const adapter = { workers: 'thread', runtime: 'Elsewhere' } as ServerAdapter<any, unknown>
    await expect(serveWith(adapter, app, {})).rejects.toThrow(
      /WebSocket routes \(app.ws: \/live\), which the Elsewhere adapter does not serve yet.*docs\/websockets.md/,
    )
  })

  it('types the context from the declaration', () => {
    const app = new App()
    app.ws('/t/:id', { query: { q: z.number() }, receive: z.object({ a: z.string() }) }, async (ctx) => {
      const id: string = ctx.params.id
      const q: number = ctx.query.q
      const message = await ctx.socket.receive()
      const a: string = message.a
      // @ts-expect-error: not a declared field
      void message.b
      void [id, q, a]
    })
  })
})
