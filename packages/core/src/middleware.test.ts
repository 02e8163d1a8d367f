import { Hono, type MiddlewareHandler } from 'hono'
import { basicAuth } from 'hono/basic-auth'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { contextStorage, getContext } from 'hono/context-storage'
import { setCookie } from 'hono/cookie'
import { HTTPException as HonoHTTPException } from 'hono/http-exception'
import { jwt, sign } from 'hono/jwt'
import { requestId } from 'hono/request-id'
import { timeout } from 'hono/timeout'
import { setMetric, timing } from 'hono/timing'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ExceptionHandlers } from './exception-handlers.ts'
import { App, blocking, depends, HTTPException, sse } from './index.ts'
import { deserializeError, serializeError } from './pool/errors-wire.ts'

const quiet = () => ({ error: vi.fn(), warn: vi.fn() })

/** What a response is on the wire, for comparisons. */
async function wire(res: Response) {
  const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== 'x-request-id'))
  return { status: res.status, headers, body: await res.text() }
}

/** A Tandem app and a plain Hono app with the same middleware and a route answering `{ok: true}`. */
function sideBySide(path: string, method: 'GET' | 'POST', ...middleware: MiddlewareHandler[]) {
  const logger = quiet()
  const tandem = new App({ logger })
  tandem.use(...middleware)
  tandem.route(method, path, {}, () => ({ ok: true }))
  const hono = new Hono()
  hono.use(...middleware)
  hono.on(method, path, (c) => c.json({ ok: true }))
  return { tandem, hono, logger }
}

describe("Hono's HTTPException", () => {
  it('answers what plain Hono answers when middleware throws it, without logging it', async () => {
    const cases: [string, MiddlewareHandler[], RequestInit?][] = [
      ['bearer', [bearerAuth({ token: 'secret' })]],
      ['bearer-wrong', [bearerAuth({ token: 'secret' })], { headers: { authorization: 'Bearer nope' } }],
      ['basic', [basicAuth({ username: 'u', password: 'p' })]],
      ['limit', [bodyLimit({ maxSize: 4 })], { method: 'POST', body: 'too large' }],
      [
        'limit-stream',
        [bodyLimit({ maxSize: 4 })],
        {
          method: 'POST',
          body: new Blob(['too large']).stream(),
          duplex: 'half',
        } as RequestInit,
      ],
      [
        'message',
        [
          async () => {
            throw new HonoHTTPException(418, { message: 'short and stout' })
          },
        ],
      ],
    ]
    for (const [name, middleware, init] of cases) {
      const method = init?.method === 'POST' ? 'POST' : 'GET'
      const { tandem, hono, logger } = sideBySide('/x', method, ...middleware)
      const again = () =>
        init?.body instanceof ReadableStream ? { ...init, body: new Blob(['too large']).stream() } : init
      const [ours, theirs] = await Promise.all([tandem.request('/x', again()), hono.request('/x', again())])
      expect({ name, ...(await wire(ours)) }).toEqual({ name, ...(await wire(theirs)) })
      expect(ours.status, name).toBeGreaterThanOrEqual(400)
      expect(logger.error, name).not.toHaveBeenCalled()
    }
  })

  it('lets the request through when the middleware is satisfied', async () => {
    const { tandem } = sideBySide('/x', 'POST', bearerAuth({ token: 'secret' }), bodyLimit({ maxSize: 64 }))
    const res = await tandem.request('/x', {
      method: 'POST',
      headers: { authorization: 'Bearer secret' },
      body: 'small',
    })
    expect(await wire(res)).toMatchObject({ status: 200, body: '{"ok":true}' })
  })

  it('answers as Hono does when a route, a dependency or a blocking handler throws it', async () => {
    const logger = quiet()
    const app = new App({ logger })
    const teapot = () => {
      throw new HonoHTTPException(418, { message: 'teapot' })
    }
    const withRes = () => {
      throw new HonoHTTPException(401, {
        res: new Response('no entry', { status: 401, headers: { 'www-authenticate': 'Basic' } }),
      })
    }
    app.get('/sync', teapot)
    app.get('/async', async () => teapot())
    app.get('/res', withRes)
    app.get('/dependency', { deps: { who: depends(withRes) } }, () => 'unreachable')
    app.get('/blocking', blocking(teapot))
    for (const path of ['/sync', '/async', '/blocking']) {
      expect(await wire(await app.request(path))).toEqual({
        status: 418,
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: 'teapot',
      })
    }
    for (const path of ['/res', '/dependency']) {
      const res = await app.request(path)
      expect([res.status, res.headers.get('www-authenticate'), await res.text()]).toEqual([
        401,
        'Basic',
        'no entry',
      ])
    }
    expect(logger.error).not.toHaveBeenCalled()
  })

  it('can be given an exception handler; a handler for Error does not see it', async () => {
    const app = new App({ logger: quiet() })
    const seen: string[] = []
    app.exceptionHandler(Error, () => new Response('catch-all', { status: 500 }))
    app.use('/guarded/*', bearerAuth({ token: 'secret' }))
    app.get('/guarded/x', () => 'ok')
    app.get('/teapot', () => {
      throw new HonoHTTPException(418, { message: 'teapot' })
    })
    expect((await app.request('/guarded/x')).status).toBe(401)
    expect(await (await app.request('/teapot')).text()).toBe('teapot')
    app.exceptionHandler(HonoHTTPException, (error, { route }) => {
      seen.push(route)
      return Response.json({ detail: error.message || 'denied' }, { status: error.status })
    })
    const guarded = await app.request('/guarded/x')
    expect([guarded.status, await guarded.json()]).toEqual([401, { detail: 'denied' }])
    expect(await (await app.request('/teapot')).json()).toEqual({ detail: 'teapot' })
    expect(seen).toEqual(['middleware', 'GET /teapot'])
    // Tandem's own HTTPException keeps its answer.
    app.get('/ours', () => {
      throw new HTTPException(409, 'taken')
    })
    expect(await (await app.request('/ours')).json()).toEqual({ detail: 'taken' })
  })

  it('crosses from a pool worker as its status, message and headers, and is never taken for Tandem’s', async () => {
    const handlers = new ExceptionHandlers()
    const request = new Request('http://x/')
    const logger = quiet()
    const remote = (error: unknown) => deserializeError(structuredClone(serializeError(error)))
    const plain = await handlers.handle(
      remote(new HonoHTTPException(418, { message: 'teapot' })),
      request,
      'GET /',
      logger,
    )
    expect(await wire(plain)).toEqual({
      status: 418,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: 'teapot',
    })
    const withRes = remote(
      new HonoHTTPException(401, { res: new Response(null, { headers: { 'www-authenticate': 'Bearer' } }) }),
    )
    const answer = await handlers.handle(withRes, request, 'GET /', logger)
    expect([answer.status, answer.headers.get('www-authenticate')]).toEqual([401, 'Bearer'])
    handlers.set(HonoHTTPException, (error: HonoHTTPException) => new Response(`hono ${error.status}`))
    expect(await (await handlers.handle(withRes, request, 'GET /', logger)).text()).toBe('hono 401')
    const ours = await handlers.handle(remote(new HTTPException(404, 'gone')), request, 'GET /', logger)
    expect(await ours.json()).toEqual({ detail: 'gone' })
    expect(logger.error).not.toHaveBeenCalled()
  })
})

describe('headers middleware sets', () => {
  /** Sets a header and a cookie before `next()`, and a header after. */
  const marking: MiddlewareHandler = async (c, next) => {
    c.header('x-before', 'set before next')
    setCookie(c, 'mw', '1')
    await next()
    c.header('x-after', 'set after next')
  }

  const app = () => {
    const app = new App({ logger: quiet() })
    app.use(marking)
    app.get('/plain', ({ response }) => {
      response.cookie('route', '2')
      return { ok: true }
    })
    app.get('/async', async () => ({ ok: true }))
    app.get(
      '/blocking',
      blocking(() => ({ ok: true })),
    )
    app.get('/stream', () => sse([{ data: 'one' }]))
    app.get('/response', () => new Response('raw', { headers: { 'x-before': 'set by the route' } }))
    app.get('/fetched', () => Response.redirect('http://localhost/plain', 302))
    app.get('/items/:id', { params: { id: z.number() } }, ({ params }) => params)
    app.get('/http-error', () => {
      throw new HTTPException(409, 'taken')
    })
    app.get('/hono-error', () => {
      throw new HonoHTTPException(418, { message: 'teapot' })
    })
    app.get('/bug', () => {
      throw new Error('bug')
    })
    app.get('/slash/', () => 'slash')
    return app
  }

  it('keep them on every kind of answer', async () => {
    const server = app()
    const cases: [string, number, RequestInit?][] = [
      ['/plain', 200],
      ['/plain', 200, { method: 'HEAD' }],
      ['/async', 200],
      ['/blocking', 200],
      ['/stream', 200],
      ['/response', 200],
      ['/fetched', 302],
      ['/items/x', 422],
      ['/http-error', 409],
      ['/hono-error', 418],
      ['/bug', 500],
      ['/nothing', 404],
      ['/plain', 405, { method: 'DELETE' }],
      ['/slash', 307],
      ['/openapi.json', 200],
      ['/docs', 200],
    ]
    for (const [path, status, init] of cases) {
      const res = await server.request(path, init)
      const label = `${init?.method ?? 'GET'} ${path}`
      expect([label, res.status]).toEqual([label, status])
      expect([label, res.headers.get('x-after')]).toEqual([label, 'set after next'])
      const before = path === '/response' ? 'set by the route' : 'set before next'
      expect([label, res.headers.get('x-before')]).toEqual([label, before])
      const cookies = res.headers.getSetCookie().map((cookie) => cookie.split(';')[0])
      expect([label, cookies]).toEqual([label, expect.arrayContaining(['mw=1'])])
      await res.text()
    }
    // The route's own cookie and the middleware's both go out.
    const plain = await server.request('/plain')
    expect(plain.headers.getSetCookie().map((cookie) => cookie.split(';')[0])).toEqual(['route=2', 'mw=1'])
  })

  it('keep them when middleware throws after setting them, as Hono does', async () => {
    const guard: MiddlewareHandler = async (c) => {
      c.header('x-before', 'set before throwing')
      throw new HonoHTTPException(403, { message: 'no' })
    }
    const { tandem, hono } = sideBySide('/x', 'GET', guard)
    const [ours, theirs] = await Promise.all([tandem.request('/x'), hono.request('/x')])
    expect(await wire(ours)).toEqual(await wire(theirs))
    expect(ours.headers.get('x-before')).toBe('set before throwing')
  })

  it('send requestId() as plain Hono does', async () => {
    const { tandem, hono } = sideBySide('/x', 'GET', requestId())
    const [ours, theirs] = await Promise.all([tandem.request('/x'), hono.request('/x')])
    expect(await wire(ours)).toEqual(await wire(theirs))
    expect(ours.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const given = await tandem.request('/x', { headers: { 'x-request-id': 'abc' } })
    expect(given.headers.get('x-request-id')).toBe('abc')
  })

  it('let the cleanups of a route whose answer middleware dropped (timeout) run', async () => {
    const events: string[] = []
    const app = new App({ logger: quiet() })
    app.use(timeout(20))
    const session = depends(async function* session() {
      events.push('open')
      yield 'session'
      events.push('close')
    })
    app.get('/slow', { deps: { session } }, async ({ background }) => {
      await new Promise((resolve) => setTimeout(resolve, 60))
      background.add(() => void events.push('background'))
      return { ok: true }
    })
    const res = await app.request('/slow')
    expect([res.status, await res.text()]).toEqual([504, 'Gateway Timeout'])
    // The route finishes after the 504 went out; then its answer's work is tracked.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const settled = await Promise.race([
      app.settled().then(() => 'settled'),
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 2000)),
    ])
    expect(settled).toBe('settled')
    expect(events).toEqual(['open', 'background', 'close'])
  })
})

describe('what middleware stores on the context', () => {
  it('reaches routes and dependencies through contextStorage() and getContext()', async () => {
    type Vars = { Variables: { jwtPayload: { sub: string }; requestId: string } }
    const app = new App({ logger: quiet() })
    app.use(contextStorage(), requestId(), timing())
    app.use('/orders/*', jwt({ secret: 'secret', alg: 'HS256' }))
    const customer = depends(async () => getContext<Vars>().var.jwtPayload.sub)
    app.get('/orders/mine', { deps: { customer } }, ({ deps }) => {
      setMetric(getContext(), 'db', 1.5)
      return { customer: deps.customer, id: getContext<Vars>().var.requestId }
    })
    const token = await sign({ sub: 'ada' }, 'secret', 'HS256')
    const res = await app.request('/orders/mine', { headers: { authorization: `Bearer ${token}` } })
    const body = await res.json()
    expect(body).toEqual({ customer: 'ada', id: res.headers.get('x-request-id') })
    expect(res.headers.get('server-timing')).toMatch(/^db;dur=1.5,total;dur=/)
    expect((await app.request('/orders/mine')).status).toBe(401)
  })
})

describe("the runtime's execution context (workerd's ctx)", () => {
  it('reaches a route whose request middleware replaced (bodyLimit() on a chunked body)', async () => {
    const waited: Promise<unknown>[] = []
    const executionCtx = {
      waitUntil: (promise: Promise<unknown>) => waited.push(promise),
      passThroughOnException() {},
    }
    const ran: string[] = []
    const app = new App()
    app.use(bodyLimit({ maxSize: 1024 }))
    app.post('/notes', { body: z.object({ text: z.string() }) }, ({ body, background }) => {
      background.add(() => ran.push(body.text))
      return { ok: true }
    })
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"text":"hi"}'))
        controller.close()
      },
    })
    const request = new Request('http://localhost/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit)
    const res = await app.fetch(request, undefined, executionCtx)
    expect(res.status).toBe(200)
    await res.text()
    expect(waited.length).toBeGreaterThan(0)
    await Promise.all(waited)
    expect(ran).toEqual(['hi'])
  })
})
