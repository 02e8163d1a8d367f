import { cors } from 'hono/cors'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { setBodyReader } from './adapter/index.ts'
import {
  App,
  blocking,
  HTTPException,
  RequestValidationError,
  ResponseValidationError,
  Router,
  TandemConfigError,
} from './index.ts'

const quiet = () => ({ error: vi.fn(), warn: vi.fn() })

describe('routing', () => {
  it('answers 404 and 405 in FastAPI JSON, with Allow', async () => {
    const app = new App()
    app.get('/items', () => [])
    app.post('/items', () => ({}))
    const missing = await app.request('/nothing')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: 'Not Found' })
    const wrong = await app.request('/items', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST')
    expect(await wrong.json()).toEqual({ detail: 'Method Not Allowed' })
  })

  it('answers HEAD for GET routes without a body, with the length GET would send', async () => {
    const app = new App()
    app.get('/items', () => [1, 2])
    app.get('/named', ({ response }) => {
      response.headers.set('x-kind', 'menu')
      return { name: 'crème brûlée' }
    })
    const res = await app.request('/items', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
    expect(res.headers.get('content-length')).toBe('5')
    const named = await app.request('/named', { method: 'HEAD' })
    expect(named.headers.get('x-kind')).toBe('menu')
    const get = await app.request('/named')
    const bytes = (await get.arrayBuffer()).byteLength
    expect(named.headers.get('content-length')).toBe(String(bytes))
    expect(get.headers.get('content-length')).toBeNull()
  })

  it('redirects slashes with 307, keeping the query, unless disabled', async () => {
    const app = new App()
    app.get('/items/', () => 'with')
    app.get('/users', () => 'without')
    const a = await app.request('/items?x=1&y=2')
    expect(a.status).toBe(307)
    expect(a.headers.get('location')).toBe('http://localhost/items/?x=1&y=2')
    const b = await app.request('/users/', { method: 'POST' })
    expect(b.status).toBe(307)
    expect(b.headers.get('location')).toBe('http://localhost/users')
    const off = new App({ redirectSlashes: false })
    off.get('/items/', () => 'with')
    expect((await off.request('/items')).status).toBe(404)
  })

  it('composes router prefixes outside in and merges tags', async () => {
    const inner = new Router({ prefix: '/r', tags: ['router'] })
    inner.get('/hello/:name', { tags: ['route'] }, ({ params }) => ({ hello: params.name }))
    const outer = new Router({ prefix: '/v1' })
    outer.include(inner, { prefix: '/inc', tags: ['include'] })
    const app = new App()
    app.include(outer, { prefix: '/api' })
    const res = await app.request('/api/v1/inc/r/hello/ann')
    expect(await res.json()).toEqual({ hello: 'ann' })
    const [route] = app.routes()
    expect(route?.path).toBe('/api/v1/inc/r/hello/:name')
    expect(route?.tags).toEqual(['include', 'router', 'route'])
  })

  it('serves routes added to a router after it was included', async () => {
    const router = new Router({ prefix: '/late' })
    const app = new App()
    app.include(router)
    expect((await app.request('/late/x')).status).toBe(404)
    router.get('/x', () => 'here')
    expect(await (await app.request('/late/x')).json()).toBe('here')
  })

  it('reads path parameters as Hono names them (dashes, patterns, optional)', async () => {
    const app = new App()
    app.get(
      '/files/:file-name/:page{[0-9]+}/:part?',
      { params: { 'file-name': z.string(), page: z.number().int(), part: z.string().optional() } },
      ({ params }) => params,
    )
    expect(await (await app.request('/files/a%20b/2/x')).json()).toEqual({
      'file-name': 'a b',
      page: 2,
      part: 'x',
    })
    expect(await (await app.request('/files/a/3')).json()).toEqual({ 'file-name': 'a', page: 3 })
    const path = app.openapi().paths['/files/{file-name}/{page}/{part}']?.get
    expect(path?.parameters?.map((p) => p.name)).toEqual(['file-name', 'page', 'part'])
  })

  it('refuses bad declarations at registration with clear messages', () => {
    const app = new App()
    expect(() => app.get('/items/:id', { params: { item: z.string() } }, () => null)).toThrow(
      /declares params\.item, but its path has no :item/,
    )
    expect(() => app.get('items', () => null)).toThrow(/must start with "\/"/)
    expect(() => app.get('/x', { query: { q: 'string' as never } }, () => null)).toThrow(
      /is not a Zod schema/,
    )
    // @ts-expect-error: body and form together are refused by the types too
    expect(() => app.post('/x', { body: z.object({}), form: { a: z.string() } }, () => null)).toThrow(
      /both body and form/,
    )
    expect(() => new Router({ prefix: 'api/' })).toThrow(/must start with "\/" and must not end with "\/"/)
    // One class for every registration mistake (a TypeError too, for code that catches those).
    const mistakes = [
      () => app.get('/items/:id', { params: { item: z.string() } }, () => null),
      () => app.get('items', () => null),
      () => app.get('/x', { query: { q: 'string' as never } }, () => null),
      () => app.get('/x', { query: z.string() as never }, () => null),
      // @ts-expect-error: body and form together are refused by the types too
      () => app.post('/x', { body: z.object({}), form: { a: z.string() } }, () => null),
      () => new Router({ prefix: 'api/' }),
      () => app.include(new Router(), { prefix: '/api/' }),
      () => app.exceptionHandler(Error, 'nope' as never),
      () => app.use(42 as never),
    ]
    for (const mistake of mistakes) {
      let caught: unknown
      try {
        mistake()
      } catch (error) {
        caught = error
      }
      expect(caught, String(mistake)).toBeInstanceOf(TandemConfigError)
      expect(caught, String(mistake)).toBeInstanceOf(TypeError)
    }
  })

  it("answers the same with or without middleware (direct dispatch and Hono's path)", async () => {
    const build = (withMiddleware: boolean) => {
      const app = new App({ logger: quiet() })
      if (withMiddleware) app.use(async (_c, next) => next())
      app.get('/files/:name', { query: { n: z.number().optional() } }, ({ params, query }) => ({
        ...params,
        ...query,
      }))
      app.get('/files/special', () => ({ special: true }))
      app.get('/a/:file-name/:id{[0-9]+}/:opt?', ({ params }) => params)
      app.post('/files/:name', ({ params }) => ({ posted: params.name }))
      app.get('/boom', () => {
        throw new Error('boom')
      })
      return app
    }
    const requests: [string, RequestInit?][] = [
      ['/files/a%20b%2Fc?n=3'],
      ['/files/%E0%A4%A'],
      ['/files/special'],
      ['/files/x', { method: 'POST' }],
      ['/a/x%20y/12/z'],
      ['/a/x/12'],
      ['/a/x/twelve'],
      ['/files/x', { method: 'DELETE' }],
      ['/files/x', { method: 'HEAD' }],
      ['/files/x?n=abc'],
      ['/files'],
      ['/files/x/'],
      ['/boom'],
    ]
    for (const [path, init] of requests) {
      const [direct, viaHono] = await Promise.all([
        build(false).request(path, init),
        build(true).request(path, init),
      ])
      expect([path, direct.status, await direct.text()]).toEqual([path, viaHono.status, await viaHono.text()])
    }
  })

  it('answers at once when the adapter already has the whole body, the same as when it waits', async () => {
    const app = new App({ logger: quiet() })
    app.post('/orders/:id', { params: { id: z.number() }, body: z.object({ sku: z.string() }) }, (ctx) => ({
      id: ctx.params.id,
      sku: ctx.body.sku,
    }))
    app.post(
      '/later/:id',
      { params: { id: z.number() }, body: z.object({ sku: z.string() }) },
      async (ctx) => ({
        id: ctx.params.id,
      }),
    )
    const bodies = ['{"sku":"A"}', '{"sku":1}', '{"sku"', '', '[]']
    const send = (path: string, body: string) =>
      app.fetch(
        new Request(`http://x${path}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        }),
        { body },
      )
    try {
      // As @tandem/node's reader does: the bytes themselves when it has them all, else a promise.
      setBodyReader((_request, env, limit) => {
        const bytes = new TextEncoder().encode((env as { body: string }).body)
        if (bytes.byteLength > limit) return Promise.reject(new HTTPException(413, 'too large'))
        return (env as { body: string }).body === '[]' ? Promise.resolve(bytes) : bytes
      })
      const now = send('/orders/3', '{"sku":"A"}')
      expect(now).toBeInstanceOf(Response)
      expect(await (now as Response).json()).toEqual({ id: 3, sku: 'A' })
      expect(send('/later/3', '{"sku":"A"}')).toBeInstanceOf(Promise)
      const answers = []
      for (const body of bodies) {
        const res = await send('/orders/x', body)
        answers.push([res.status, await res.text()])
      }
      setBodyReader(undefined)
      for (const [i, body] of bodies.entries()) {
        const res = await send('/orders/x', body)
        expect([res.status, await res.text()]).toEqual(answers[i])
      }
      expect(answers.map(([status]) => status)).toEqual([422, 422, 422, 422, 422])
    } finally {
      setBodyReader(undefined)
    }
  })

  it('runs Hono middleware for every request, including 404s and CORS preflights', async () => {
    const app = new App()
    app.get('/items', () => [])
    app.use(cors({ origin: 'https://example.com' }))
    const ok = await app.request('/items', { headers: { origin: 'https://example.com' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://example.com')
    const missing = await app.request('/nope', { headers: { origin: 'https://example.com' } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe('https://example.com')
    const preflight = await app.request('/items', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'GET' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET')
  })
})

describe('errors', () => {
  it('answers HTTPException with its status, detail and headers', async () => {
    const app = new App()
    app.get('/a', () => {
      throw new HTTPException(401, 'Not authenticated', { headers: { 'www-authenticate': 'Bearer' } })
    })
    app.get('/b', () => {
      throw new HTTPException(409, { reason: 'taken', ids: [1] })
    })
    app.get('/c', () => {
      throw new HTTPException(429)
    })
    app.get('/d', () => {
      throw new HTTPException(204)
    })
    const a = await app.request('/a')
    expect(a.status).toBe(401)
    expect(a.headers.get('www-authenticate')).toBe('Bearer')
    expect(await a.json()).toEqual({ detail: 'Not authenticated' })
    expect(await (await app.request('/b')).json()).toEqual({ detail: { reason: 'taken', ids: [1] } })
    expect(await (await app.request('/c')).json()).toEqual({ detail: 'Too Many Requests' })
    const d = await app.request('/d')
    expect(d.status).toBe(204)
    expect(await d.text()).toBe('')
  })

  it('answers unhandled errors 500 in plain text without the stack, and logs it', async () => {
    const logger = quiet()
    const app = new App({ logger })
    app.get('/boom', () => {
      throw new Error('secret detail')
    })
    app.get('/async-boom', async () => {
      await Promise.resolve()
      throw 'a string'
    })
    for (const path of ['/boom', '/async-boom']) {
      const res = await app.request(path)
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(await res.text()).toBe('Internal Server Error')
    }
    expect(logger.error).toHaveBeenCalledTimes(2)
    expect(logger.error.mock.calls[0]?.[0]).toContain('GET /boom')
    expect((logger.error.mock.calls[0]?.[1] as Error | undefined)?.message).toBe('secret detail')
  })

  it('neither logs nor hands to exception handlers the abort of a client that left', async () => {
    const logger = quiet()
    const app = new App({ logger })
    const seen: unknown[] = []
    app.exceptionHandler(Error, (error) => {
      seen.push(error)
      return new Response('handled', { status: 500 })
    })
    let ran = false
    app.get(
      '/report',
      blocking(() => {
        ran = true
        return { ok: true }
      }),
    )
    // A fetch given ctx.signal rejects with the signal's reason once the client is gone.
    app.get('/upstream', async ({ signal }) => {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    })
    const gone = new AbortController()
    gone.abort()
    const queued = await app.request(new Request('http://localhost/report', { signal: gone.signal }))
    expect(queued.status).toBe(499)
    expect(ran).toBe(false)
    const leaving = new AbortController()
    const upstream = app.request(new Request('http://localhost/upstream', { signal: leaving.signal }))
    await new Promise((r) => setTimeout(r, 10))
    leaving.abort()
    expect((await upstream).status).toBe(499)
    expect(logger.error).not.toHaveBeenCalled()
    expect(seen).toEqual([])
    // A real error after the client left is still the server's: logged and handled.
    app.get('/late-bug', async ({ signal }) => {
      await new Promise((r) => signal.addEventListener('abort', r))
      throw new TypeError('a bug')
    })
    const buggy = new AbortController()
    const late = app.request(new Request('http://localhost/late-bug', { signal: buggy.signal }))
    await new Promise((r) => setTimeout(r, 10))
    buggy.abort()
    expect((await late).status).toBe(500)
    expect(seen).toHaveLength(1)
  })

  it('answers 500 in plain text while the lifespan startup fails', async () => {
    const logger = quiet()
    const app = new App({
      logger,
      lifespan: async function* () {
        const connected = false
        if (!connected) throw new Error('no database')
        yield
      },
    })
    app.get('/', () => ({ ok: true }))
    const res = await app.request('/')
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await res.text()).toBe('Internal Server Error')
    expect(logger.error.mock.calls[0]?.[0]).toMatch(/lifespan startup failed/)
  })

  it('finds exception handlers by class, nearest ancestor first', async () => {
    class ShopError extends Error {}
    class OutOfStock extends ShopError {}
    const app = new App({ logger: quiet() })
    app.exceptionHandler(ShopError, (error) => Response.json({ shop: error.message }, { status: 400 }))
    app.exceptionHandler(OutOfStock, (error, { route }) =>
      Response.json({ stock: error.message, route }, { status: 409 }),
    )
    app.exceptionHandler(Error, () => ({ fallback: true }))
    app.get('/stock', () => {
      throw new OutOfStock('fries')
    })
    app.get('/shop', () => {
      throw new ShopError('closed')
    })
    app.get('/other', () => {
      throw new TypeError('x')
    })
    app.get('/http', () => {
      throw new HTTPException(404, 'still FastAPI')
    })
    const stock = await app.request('/stock')
    expect(stock.status).toBe(409)
    expect(await stock.json()).toEqual({ stock: 'fries', route: 'GET /stock' })
    expect((await app.request('/shop')).status).toBe(400)
    const other = await app.request('/other')
    expect(other.status).toBe(500)
    expect(await other.json()).toEqual({ fallback: true })
    expect(await (await app.request('/http')).json()).toEqual({ detail: 'still FastAPI' })
  })

  it('lets a handler replace the 422 answer', async () => {
    const app = new App()
    app.exceptionHandler(RequestValidationError, (error) =>
      Response.json({ errors: error.issues.map((i) => i.loc.join('.')) }, { status: 400 }),
    )
    app.get('/items/:id', { params: { id: z.number() } }, () => null)
    const res = await app.request('/items/x')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ errors: ['path.id'] })
  })

  it('answers 500 when an exception handler itself throws', async () => {
    const logger = quiet()
    const app = new App({ logger })
    app.exceptionHandler(Error, () => {
      throw new Error('handler broke')
    })
    app.get('/x', () => {
      throw new Error('first')
    })
    const res = await app.request('/x')
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('Internal Server Error')
    expect(logger.error).toHaveBeenCalled()
  })

  it('answers an invalid response 500 and logs the model errors', async () => {
    const logger = quiet()
    const app = new App({ logger })
    app.get('/bad', { response: z.object({ id: z.number() }) }, () => ({ id: 'nope' }) as never)
    const res = await app.request('/bad')
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('Internal Server Error')
    const logged = logger.error.mock.calls[0]?.[1]
    expect(logged).toBeInstanceOf(ResponseValidationError)
    expect((logged as ResponseValidationError).issues[0]).toMatchObject({
      type: 'float_type',
      loc: ['response', 'id'],
    })
  })
})
