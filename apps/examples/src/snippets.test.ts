// Behaviours the docs state with short snippets rather than whole examples.
import {
  App,
  depends,
  HTTPException,
  RequestValidationError,
  Router,
  SwallowedError,
  TandemConfigError,
} from '@tandem/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

function recordingLogger() {
  const lines: string[] = []
  const errors: unknown[] = []
  return {
    lines,
    errors,
    logger: {
      error: (message: string, error?: unknown) => {
        lines.push(message)
        errors.push(error)
      },
      warn: (message: string) => lines.push(message),
    },
  }
}

describe('routes.md', () => {
  it('matches routes in the order they were added', async () => {
    const app = new App()
    app.get('/burgers/:id', { params: { id: z.number().int() } }, ({ params }) => params)
    app.get('/burgers/export', () => 'export')
    const res = await app.request('/burgers/export')
    expect(res.status).toBe(422)
  })

  it('infers path parameters: optional segments and patterns', async () => {
    const app = new App()
    app.get('/a/:x/:y?', ({ params }) => params)
    app.get('/files/:name{.+}', ({ params }) => params)
    expect(await (await app.request('/a/1')).json()).toEqual({ x: '1' })
    expect(await (await app.request('/a/1/2')).json()).toEqual({ x: '1', y: '2' })
    expect(await (await app.request('/files/a/b.txt')).json()).toEqual({ name: 'a/b.txt' })
  })

  it('refuses a declared path parameter missing from the path, naming it', () => {
    expect(() => new App().get('/items/:id', { params: { item: z.string() } }, () => null)).toThrow(
      'Route GET /items/:id declares params.item, but its path has no :item (path parameters: id). ' +
        'Add :item to the path or move item to query.',
    )
  })

  it('reads x_token from the x-token header', async () => {
    const app = new App()
    app.get('/h', { headers: { x_token: z.string() } }, ({ headers }) => headers)
    expect(await (await app.request('/h', { headers: { 'X-Token': 't' } })).json()).toEqual({ x_token: 't' })
  })

  it('filters through the response model: unknown keys dropped, null kept, defaults filled', async () => {
    const app = new App()
    const Out = z.object({
      id: z.number(),
      note: z.string().nullable(),
      tag: z.string().optional(),
      n: z.number().default(7),
    })
    app.get('/x', { response: Out }, () => ({ id: 1, note: null, secret: 'hidden' }))
    expect(await (await app.request('/x')).json()).toEqual({ id: 1, note: null, n: 7 })
  })

  it('sets status, headers and cookies with ctx.response; a Response is sent as is', async () => {
    const app = new App()
    app.get('/x', ({ response }) => {
      response.status = 202
      response.headers.set('x-trace', 'abc')
      response.cookie('session', 'a token', { httpOnly: true, sameSite: 'lax', maxAge: 3600 })
      response.deleteCookie('old')
      return { ok: true }
    })
    app.get('/raw', { status: 201 }, ({ response }) => {
      response.headers.set('x-ignored', '1')
      return new Response('raw', { status: 200 })
    })
    app.get('/none', ({ response }) => {
      response.status = 204
      return { ignored: true }
    })
    const res = await app.request('/x')
    expect(res.status).toBe(202)
    expect(res.headers.get('x-trace')).toBe('abc')
    expect(res.headers.getSetCookie()).toEqual([
      'session=a%20token; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax',
      'old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
    ])
    const raw = await app.request('/raw')
    expect([raw.status, raw.headers.get('x-ignored'), await raw.text()]).toEqual([200, null, 'raw'])
    const none = await app.request('/none')
    expect([none.status, await none.text()]).toEqual([204, ''])
  })

  it('sends undefined as null, dates as ISO strings, bigints as numbers or strings', async () => {
    const app = new App()
    app.get('/u', () => undefined)
    app.get('/d', () => ({ when: new Date('2026-11-22T10:00:00Z'), small: 10n, big: 2n ** 64n }))
    expect(await (await app.request('/u')).text()).toBe('null')
    expect(await (await app.request('/d')).json()).toEqual({
      when: '2026-11-22T10:00:00.000Z',
      small: 10,
      big: '18446744073709551616',
    })
  })

  it('answers a response that does not match its model 500, logging a ResponseValidationError', async () => {
    const { logger, errors } = recordingLogger()
    const app = new App({ logger })
    app.get('/bad', { response: z.object({ id: z.number() }) }, () => ({ id: 'x' }) as never)
    const res = await app.request('/bad')
    expect([res.status, await res.text()]).toEqual([500, 'Internal Server Error'])
    expect((errors[0] as { issues: { loc: unknown[] }[] }).issues[0]?.loc).toEqual(['response', 'id'])
  })

  it('sends exception handler data as JSON with 500; Error handlers see only unhandled errors', async () => {
    const app = new App()
    app.exceptionHandler(Error, (error) => ({ oops: error.message }))
    app.get('/boom', () => {
      throw new Error('x')
    })
    app.get('/http', () => {
      throw new HTTPException(404, 'still 404')
    })
    const boom = await app.request('/boom')
    expect([boom.status, boom.headers.get('content-type'), await boom.json()]).toEqual([
      500,
      'application/json',
      { oops: 'x' },
    ])
    expect(await (await app.request('/http')).json()).toEqual({ detail: 'still 404' })
  })

  it('runs middleware errors through the exception handlers with route "middleware"', async () => {
    const app = new App()
    class Refused extends Error {}
    app.exceptionHandler(Refused, (_error, { route }) => Response.json({ route }, { status: 403 }))
    app.use(async () => {
      throw new Refused()
    })
    app.get('/x', () => 1)
    const res = await app.request('/x')
    expect([res.status, await res.json()]).toEqual([403, { route: 'middleware' }])
  })

  it('moves or turns off the docs pages, or loads their assets from a CDN', async () => {
    const moved = new App({ docs: { openapi: '/api/openapi.json', swagger: '/api/docs', redoc: false } })
    expect((await moved.request('/api/openapi.json')).status).toBe(200)
    expect(await (await moved.request('/api/docs')).text()).toContain('/api/openapi.json')
    expect((await moved.request('/redoc')).status).toBe(404)
    const off = new App({ docs: false })
    expect((await off.request('/openapi.json')).status).toBe(404)
    const cdn = new App({ docs: { assets: 'cdn' } })
    expect(await (await cdn.request('/docs')).text()).toContain(
      'https://cdn.jsdelivr.net/npm/swagger-ui-dist@',
    )
    expect((await new App().request('/docs/assets/not-a-file.js')).status).toBe(404)
  })
})

describe('dependencies.md', () => {
  it('resolves app, include, router, route dependencies, then deps, then the handler', async () => {
    const order: string[] = []
    const mark = (name: string) => depends(() => void order.push(name))
    const app = new App({ dependencies: [mark('app')] })
    const router = new Router({ prefix: '/r', dependencies: [mark('router')] })
    router.get(
      '/x',
      { dependencies: [mark('route')], deps: { a: mark('deps.a'), b: mark('deps.b') } },
      () => {
        order.push('handler')
        return null
      },
    )
    app.include(router, { dependencies: [mark('include')] })
    await app.request('/r/x')
    expect(order).toEqual(['app', 'include', 'router', 'route', 'deps.a', 'deps.b', 'handler'])
  })

  it('refuses a non-dependency in deps where it is written', () => {
    expect(() => depends({ deps: { x: (() => 1) as never } }, () => 1)).toThrow(
      'depends(anonymous): deps.x is not a dependency (got function). Wrap the function with depends(fn).',
    )
  })

  it('answers 500 and names a yield dependency that swallows the error', async () => {
    const { logger, errors } = recordingLogger()
    const careless = depends(function* careless() {
      try {
        yield 1
      } catch {
        // swallowed
      }
    })
    const app = new App({ logger })
    app.get('/x', { deps: { careless } }, () => {
      throw new HTTPException(400, 'bad')
    })
    expect((await app.request('/x')).status).toBe(500)
    expect(errors[0]).toBeInstanceOf(SwallowedError)
    expect((errors[0] as Error).message).toMatch(
      /^The yield dependency "careless" caught an error thrown into it at its yield and did not re-raise it/,
    )
  })

  it('refuses a yield dependency that does not yield exactly once', async () => {
    const { logger, lines, errors } = recordingLogger()
    const app = new App({ logger })
    const never = depends(function* never() {
      if (Math.random() > 2) yield 1
    })
    const twice = depends(function* twice() {
      yield 1
      yield 2
    })
    app.get('/never', { deps: { never } }, () => 1)
    app.get('/twice', { deps: { twice } }, () => 1)
    expect((await app.request('/never')).status).toBe(500)
    expect((errors[0] as Error).message).toMatch(/"never" returned without yielding a value/)
    await (await app.request('/twice')).text()
    await app.settled()
    expect(lines[1]).toBe(
      'The cleanup of dependency "twice" in GET /twice failed (after the response was sent)',
    )
    expect((errors[1] as Error).message).toMatch(/"twice" yielded more than once/)
  })

  it('logs a failed request-scoped cleanup with its name; the other cleanups still run', async () => {
    const { logger, lines } = recordingLogger()
    const ran: string[] = []
    const other = depends(function* other() {
      yield 1
      ran.push('other cleanup')
    })
    const broken = depends(function* broken() {
      yield 1
      throw new Error('close failed')
    })
    const app = new App({ logger })
    app.get('/x', { deps: { other, broken } }, () => 1)
    const res = await app.request('/x')
    expect(res.status).toBe(200)
    await res.text()
    await app.settled()
    expect(lines).toEqual([
      'The cleanup of dependency "broken" in GET /x failed (after the response was sent)',
    ])
    expect(ran).toEqual(['other cleanup'])
  })

  it("turns an error after the yield of a scope 'function' dependency into the response", async () => {
    const { logger } = recordingLogger()
    const conflict = depends(function* conflict() {
      yield 1
      throw new HTTPException(409, 'Commit failed')
    }).with({ scope: 'function' })
    const crash = depends(function* crash() {
      yield 1
      throw new Error('commit failed')
    }).with({ scope: 'function' })
    const app = new App({ logger })
    app.post('/a', { deps: { conflict } }, () => ({ saved: true }))
    app.post('/b', { deps: { crash } }, () => ({ saved: true }))
    const a = await app.request('/a', { method: 'POST' })
    expect([a.status, await a.json()]).toEqual([409, { detail: 'Commit failed' }])
    expect((await app.request('/b', { method: 'POST' })).status).toBe(500)
  })

  it('refuses a request-scoped yield dependency on a function-scoped one, naming both', () => {
    const tx = depends(function* tx() {
      yield 1
    })
    const make = () =>
      depends({ deps: { tx: tx.with({ scope: 'function' }) } }, function* repo() {
        yield 2
      })
    expect(make).toThrow(TandemConfigError)
    expect(make).toThrow(
      'The dependency "repo" has scope "request", so it cannot depend on "tx", which has scope "function": ' +
        '"tx" would be cleaned up before "repo" is. ' +
        `Give "repo" scope "function" (.with({ scope: 'function' })) or "tx" scope "request".`,
    )
  })

  it('keeps request-scoped resources open while streaming; function-scoped ones close first', async () => {
    const events: string[] = []
    const session = depends(function* session() {
      events.push('function open')
      yield 1
      events.push('function close')
    }).with({ scope: 'function' })
    const conn = depends(async function* conn() {
      events.push('request open')
      try {
        yield 1
      } finally {
        events.push('request close')
      }
    })
    const app = new App()
    app.get('/rows', { deps: { session, conn } }, async function* () {
      events.push('row 1')
      yield 1
      events.push('row 2')
      yield 2
    })
    const res = await app.request('/rows')
    expect(await res.text()).toBe('1\n2\n')
    await app.settled()
    expect(events).toEqual([
      'function open',
      'request open',
      'function close',
      'row 1',
      'row 2',
      'request close',
    ])
  })

  it('runs background tasks in order; a failing one is logged and the next still runs', async () => {
    const { logger, lines } = recordingLogger()
    const ran: string[] = []
    async function sendMail() {
      throw new Error('smtp down')
    }
    const app = new App({ logger })
    app.get('/x', ({ background }) => {
      background.add(sendMail)
      background.add((n: number) => void ran.push(`task ${n}`), 2)
      return 1
    })
    await (await app.request('/x')).text()
    await app.settled()
    expect(lines).toEqual(['The background task sendMail of GET /x failed'])
    expect(ran).toEqual(['task 2'])
  })

  it('drops the background tasks of a failed request', async () => {
    const ran: string[] = []
    const app = new App()
    app.get('/x', ({ background }) => {
      background.add(() => void ran.push('task'))
      throw new HTTPException(400, 'no')
    })
    expect((await app.request('/x')).status).toBe(400)
    await app.settled()
    expect(ran).toEqual([])
  })

  it('throws when a task is added after the tasks started, instead of dropping it', async () => {
    const { logger, errors } = recordingLogger()
    const late = depends(function* late({ background }) {
      yield 1
      background.add(function notify() {})
    })
    const app = new App({ logger })
    app.get('/x', { deps: { late } }, () => 'ok')
    await (await app.request('/x')).text()
    await app.settled()
    expect(String(errors[0])).toContain(
      'background.add(notify) was called in GET /x after its background tasks had started (from a request-scoped cleanup?), so it would never run.',
    )
  })

  it('overrides .with() variants too, keeping their use-site options', async () => {
    let n = 0
    const counter = depends(() => 0)
    const app = new App()
    app.get('/x', { deps: { a: counter, b: counter.with({ cache: false }) } }, ({ deps }) => deps)
    app.dependencyOverrides.set(counter, () => ++n)
    expect(await (await app.request('/x')).json()).toEqual({ a: 1, b: 2 })
  })

  it('runs an override with its own inputs', async () => {
    const db = depends(() => 'real')
    const app = new App()
    app.get('/x', { deps: { db } }, ({ deps }) => deps.db)
    app.dependencyOverrides.set(
      db,
      depends({ query: { name: z.string() } }, ({ query }) => `fake ${query.name}`),
    )
    expect(await (await app.request('/x?name=t')).json()).toBe('fake t')
    expect((await app.request('/x')).status).toBe(422)
  })

  it('accumulates ctx.scopes parent first, without duplicates, not into siblings', async () => {
    const seen: Record<string, string[]> = {}
    const leaf = depends(({ scopes }) => {
      seen.leaf = scopes
    })
    const user = depends({ deps: { leaf: leaf.with({ scopes: ['me', 'read'] }) } }, ({ scopes }) => {
      seen.user = scopes
    })
    const sibling = depends(({ scopes }) => {
      seen.sibling = scopes
    })
    const app = new App()
    app.get('/x', { deps: { user: user.with({ scopes: ['read', 'write'] }), sibling } }, () => null)
    await app.request('/x')
    expect(seen).toEqual({ leaf: ['read', 'write', 'me'], user: ['read', 'write'], sibling: [] })
  })

  it('answers 500 while the lifespan startup fails, and retries on the next request', async () => {
    const { logger, lines } = recordingLogger()
    let attempts = 0
    const app = new App({
      logger,
      lifespan: async function* () {
        if (++attempts === 1) throw new Error('database down')
        yield { attempts }
      },
    })
    app.get('/', ({ state }) => state)
    expect((await app.request('/')).status).toBe(500)
    expect(lines).toEqual(['The lifespan startup failed; answering 500 until it succeeds.'])
    expect(await (await app.request('/')).json()).toEqual({ attempts: 2 })
    expect(app.state).toEqual({ attempts: 2 })
  })

  it('lets a RequestValidationError handler see every issue', async () => {
    const app = new App()
    app.exceptionHandler(RequestValidationError, (error) =>
      Response.json({ n: error.issues.length }, { status: 400 }),
    )
    app.get('/x', { query: { a: z.number(), b: z.number() } }, () => null)
    expect(await (await app.request('/x')).json()).toEqual({ n: 2 })
  })
})
