// Every example of docs/examples, checked against what the docs say it does.

import { depends } from '@tandem/core'
import { afterAll, describe, expect, it } from 'vitest'
import { app as blockingApp } from '../../../docs/examples/blocking.ts'
import { connection, app as dependenciesApp, events, settings } from '../../../docs/examples/dependencies.ts'
import { app as errorsApp, logged } from '../../../docs/examples/errors.ts'
import { app } from '../../../docs/examples/routes.ts'
import { app as securityApp } from '../../../docs/examples/security.ts'

const json = { 'content-type': 'application/json' }

describe('docs/examples/routes.ts', () => {
  it('serves a router under both prefixes, outside in, with its tags', async () => {
    const res = await app.request('/api/burgers/1')
    expect(res.status).toBe(200)
    // secretRecipe is not in the response model: filtered out
    expect(await res.json()).toEqual({ id: 1, name: 'Classic', price: 8.5, vegan: false })
    const route = app.routes().find((r) => r.path === '/api/burgers/:id' && r.endpoint.method === 'GET')
    expect(route?.tags).toEqual(['burgers'])
  })

  it("redirects /api/burgers to /api/burgers/ (the router's '/' route) with 307", async () => {
    const res = await app.request('/api/burgers?vegan=true')
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('http://localhost/api/burgers/?vegan=true')
  })

  it('serves a route added to the router after include()', async () => {
    expect(await (await app.request('/api/burgers/2/reviews')).json()).toEqual({ burger: 2, reviews: [] })
  })

  it('coerces query strings: booleans, numbers, arrays from repeated keys', async () => {
    const all = await (await app.request('/api/burgers/')).json()
    expect(all).toHaveLength(2)
    const vegan = await (await app.request('/api/burgers/?vegan=yes')).json()
    expect(vegan.map((b: { id: number }) => b.id)).toEqual([2])
    const some = await (await app.request('/api/burgers/?id=1&id=2&max_price=8.5')).json()
    expect(some.map((b: { id: number }) => b.id)).toEqual([1])
    const one = await (await app.request('/api/burgers/?id=2')).json()
    expect(one.map((b: { id: number }) => b.id)).toEqual([2])
  })

  it('coerces every scalar type, and reports each failure in FastAPI terms', async () => {
    const ok = await app.request(
      '/coerce?n=1.5&i=-7&b=off&big=9007199254740993&when=2026-11-22T10:00:00Z&size=large&three=3&c=12',
    )
    expect(await ok.json()).toEqual({
      n: 1.5,
      i: -7,
      b: false,
      big: '9007199254740993',
      when: '2026-11-22T10:00:00.000Z',
      size: 'large',
      three: 3,
      c: 12,
    })
    const date = await (await app.request('/coerce?when=2026-11-22')).json()
    expect(date.when).toBe('2026-11-22T00:00:00.000Z')
    for (const [raw, value] of [
      ['true', true],
      ['False', false],
      ['1', true],
      ['0', false],
      ['YES', true],
      ['no', false],
      ['on', true],
      ['Off', false],
    ] as const) {
      expect((await (await app.request(`/coerce?b=${raw}`)).json()).b).toBe(value)
    }
    const bad = await app.request('/coerce?n=x&i=1.5&b=maybe&big=1e3&when=22/11/2026&size=medium&three=4')
    expect(bad.status).toBe(422)
    const detail = (await bad.json()).detail as { type: string; loc: unknown[]; input: unknown }[]
    expect(detail.map((d) => [d.type, d.loc, d.input])).toEqual([
      ['float_parsing', ['query', 'n'], 'x'],
      ['int_parsing', ['query', 'i'], '1.5'],
      ['bool_parsing', ['query', 'b'], 'maybe'],
      ['int_parsing', ['query', 'big'], '1e3'],
      ['date_parsing', ['query', 'when'], '22/11/2026'],
      ['enum', ['query', 'size'], 'medium'],
      ['literal_error', ['query', 'three'], '4'],
    ])
  })

  it('reads headers (lists split on commas) and cookies, and sets cookies and headers', async () => {
    const res = await app.request('/hello/ann', {
      headers: { 'Accept-Language': 'en, fr', cookie: 'visits=2', 'x-request-id': 'r1' },
    })
    expect(await res.json()).toEqual({ hello: 'ann', languages: ['en', 'fr'], visits: 3 })
    expect(res.headers.get('x-request-id')).toBe('r1')
    expect(res.headers.getSetCookie()).toEqual(['visits=3; Path=/; HttpOnly; SameSite=Lax'])
    const bad = await app.request('/hello/ann', { headers: { cookie: 'visits=two' } })
    expect((await bad.json()).detail).toEqual([
      {
        type: 'int_parsing',
        loc: ['cookie', 'visits'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: 'two',
      },
    ])
  })

  it('validates JSON bodies as sent, with status 201 and a header from ctx.response', async () => {
    const created = await app.request('/api/burgers/', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Spicy', price: 9.5 }),
    })
    expect(created.status).toBe(201)
    const burger = await created.json()
    expect(burger).toMatchObject({ name: 'Spicy', price: 9.5, vegan: false })
    expect(created.headers.get('location')).toBe(`/api/burgers/${burger.id}`)
    const strict = await app.request('/api/burgers/', {
      method: 'POST',
      headers: json,
      body: '{"price": "9", "vegan": "yes"}',
    })
    expect((await strict.json()).detail).toEqual([
      {
        type: 'missing',
        loc: ['body', 'name'],
        msg: 'Field required',
        input: { price: '9', vegan: 'yes' },
      },
      { type: 'float_type', loc: ['body', 'price'], msg: 'Input should be a valid number', input: '9' },
      { type: 'bool_type', loc: ['body', 'vegan'], msg: 'Input should be a valid boolean', input: 'yes' },
    ])
    const deleted = await app.request(`/api/burgers/${burger.id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(deleted.headers.get('content-type')).toBeNull()
    expect(await deleted.text()).toBe('')
  })

  it('answers the body errors of the table', async () => {
    const post = (body: string | null, headers: Record<string, string> = json) =>
      app.request('/api/burgers/', { method: 'POST', headers, body }).then((r) => r.json())
    expect(await post('{"name":')).toEqual({
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 8],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      ],
    })
    expect(await post('name=x', { 'content-type': 'text/plain' })).toEqual({
      detail: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: 'name=x',
        },
      ],
    })
    const missing = { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] }
    expect(await post(null)).toEqual(missing)
    expect(await post('null')).toEqual(missing)
    const deep = `{"name": ${'['.repeat(600)}${']'.repeat(600)}}`
    const nested = await post(deep)
    expect(nested.detail[0]).toMatchObject({
      type: 'json_invalid',
      loc: ['body', 520], // the [ that opens level 513 (the object is level 1)
      ctx: { error: 'Nesting too deep (more than 512 levels)' },
    })
  })

  it('parses multipart forms with files; an empty field is missing', async () => {
    const form = new FormData()
    form.set('caption', 'Lunch')
    form.set('photo', new File(['jpegbytes'], 'lunch.jpg', { type: 'image/jpeg' }))
    const res = await app.request('/api/burgers/1/photo', { method: 'POST', body: form })
    expect(await res.json()).toEqual({ burger: 1, caption: 'Lunch', file: 'lunch.jpg', bytes: 9 })
    const empty = await app.request('/api/burgers/1/photo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'caption=',
    })
    expect((await empty.json()).detail.map((d: { loc: unknown[]; type: string }) => [d.loc, d.type])).toEqual(
      [
        [['body', 'caption'], 'missing'],
        [['body', 'photo'], 'missing'],
      ],
    )
  })

  it('answers 404 and 405 with Allow', async () => {
    const notFound = await app.request('/api/nothing')
    expect(notFound.status).toBe(404)
    expect(await notFound.json()).toEqual({ detail: 'Not Found' })
    const wrong = await app.request('/api/burgers/', { method: 'PUT' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST')
    expect(await wrong.json()).toEqual({ detail: 'Method Not Allowed' })
    const missing = await app.request('/api/burgers/99')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: 'Burger not found' })
  })

  it('streams JSON Lines from an async generator, and matches routes in the order added', async () => {
    const res = await app.request('/api/burgers/export')
    expect(res.headers.get('content-type')).toBe('application/jsonl')
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines[0]).toEqual({ id: 1, name: 'Classic', price: 8.5, vegan: false })
  })

  it('sends a returned Response as is, and Server-Sent Events with sse()', async () => {
    const text = await app.request('/menu.txt')
    expect(text.headers.get('content-type')).toBe('text/plain')
    expect(await text.text()).toBe('Classic 8.50\nGarden 9.00\n')
    const events = await app.request('/kitchen/events')
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(await events.text()).toBe(
      'event: step\ndata: {"step":"grill"}\n\n' +
        'event: step\ndata: {"step":"assemble"}\n\n' +
        'event: step\ndata: {"step":"serve"}\n\n',
    )
  })

  it('runs Hono middleware (CORS) for 404s, 405s and preflights too', async () => {
    const origin = { origin: 'https://shop.example' }
    for (const [path, method] of [
      ['/nothing', 'GET'],
      ['/api/burgers/', 'PUT'],
      ['/api/burgers/1', 'GET'],
    ] as const) {
      const res = await app.request(path, { method, headers: origin })
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    }
    const preflight = await app.request('/api/burgers/', {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
  })

  it('documents the routes in OpenAPI and serves the docs pages with their assets', async () => {
    const document = app.openapi()
    expect(document.openapi).toMatch(/^3\.1/)
    expect(document.info).toEqual({ title: 'Burger shop', version: '1.0.0' })
    const read = document.paths['/api/burgers/{id}']?.get
    expect(read?.operationId).toBe('read_burger_api_burgers__id__get')
    expect(read?.summary).toBe('Read Burger')
    expect(read?.tags).toEqual(['burgers'])
    expect(Object.keys(read?.responses ?? {})).toEqual(['200', '404', '422'])
    expect(document.paths['/api/burgers/']?.post?.summary).toBe('Add a burger to the menu')
    expect(document.components?.schemas?.Burger).toBeDefined()
    expect(await (await app.request('/openapi.json')).json()).toEqual(JSON.parse(JSON.stringify(document)))
    const docs = await app.request('/docs')
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await docs.text()).toContain('/docs/assets/swagger-ui-bundle.js')
    expect(await (await app.request('/redoc')).text()).toContain('/docs/assets/redoc.standalone.js')
    expect((await app.request('/docs/assets/swagger-ui.css')).status).toBe(200)
  })
})

describe('docs/examples/errors.ts', () => {
  it('finds exception handlers by class, nearest ancestor first', async () => {
    const fries = await errorsApp.request('/fries')
    expect(fries.status).toBe(409)
    expect(await fries.json()).toEqual({
      detail: 'fries is out of stock',
      item: 'fries',
      route: 'GET /fries',
    })
    const closed = await errorsApp.request('/closed')
    expect(closed.status).toBe(400)
    expect(await closed.json()).toEqual({ detail: 'The shop is closed' })
  })

  it('replaces the 422 answer with a RequestValidationError handler', async () => {
    const res = await errorsApp.request('/orders/x')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'invalid request', fields: ['path.id'] })
  })

  it('answers HTTPException: reason phrase without detail, any JSON detail, headers', async () => {
    const limited = await errorsApp.request('/orders/0')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('5')
    expect(await limited.json()).toEqual({ detail: 'Too Many Requests' })
    const missing = await errorsApp.request('/orders/5')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: { reason: 'unknown order', id: 5 } })
  })

  it('answers other errors 500 in text/plain, the message only in the log', async () => {
    const res = await errorsApp.request('/bug')
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const text = await res.text()
    expect(text).toBe('Internal Server Error')
    expect(logged).toContain('Unhandled error in GET /bug; answered 500. database password is hunter2')
  })

  it('answers 413 over bodyLimit, with or without Content-Length', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(70_000) })
    const declared = await errorsApp.request('/upload', { method: 'POST', headers: json, body: big })
    expect(declared.status).toBe(413)
    expect((await declared.json()).detail).toMatch(/^Request body is too large: the limit is 65536 bytes\./)
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      },
    })
    const chunked = await errorsApp.request('/upload', {
      method: 'POST',
      headers: json,
      body: streamed,
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
  })

  it('answers 400 for a body that cannot be read or decoded', async () => {
    const broken = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"da'))
        controller.error(new Error('client gone'))
      },
    })
    const gone = await errorsApp.request('/upload', {
      method: 'POST',
      headers: json,
      body: broken,
      duplex: 'half',
    } as RequestInit)
    expect(gone.status).toBe(400)
    expect(await gone.json()).toEqual({ detail: 'There was an error parsing the body' })
    const latin1 = await errorsApp.request('/upload', {
      method: 'POST',
      headers: json,
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    })
    expect(latin1.status).toBe(400)
  })
})

describe('docs/examples/dependencies.ts', () => {
  const key = { 'x-key': 'secret' }
  /** Sends a request, reads its body, waits for its background tasks and cleanups. */
  async function call(path: string, init: RequestInit = {}) {
    events.length = 0
    const res = await dependenciesApp.request(path, init)
    const beforeBody = [...events]
    const body = await res.json()
    await dependenciesApp.settled()
    return { status: res.status, body, beforeBody, after: [...events] }
  }
  const order = (item: string, qty: number) => ({
    method: 'POST',
    headers: { ...key, ...json },
    body: JSON.stringify({ item, qty, email: 'ann@example.com' }),
  })

  it('starts the lifespan before the first request, and gives its state to dependencies', async () => {
    const { status, body, beforeBody, after } = await call('/orders/', { headers: key })
    expect(status).toBe(200)
    expect(body).toEqual([{ id: 1, item: 'Classic', qty: 2 }])
    expect(beforeBody).toEqual(['startup', 'connection open'])
    expect(after).toEqual(['startup', 'connection open', 'connection close'])
  })

  it("runs scope 'function' cleanup before the response, background tasks, then request cleanup", async () => {
    const created = await call('/orders/', order('Garden', 2))
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: 2, item: 'Garden', qty: 2 })
    expect(created.beforeBody).toEqual(['connection open', 'begin', 'handler', 'commit'])
    expect(created.after).toEqual([
      'connection open',
      'begin',
      'handler',
      'commit',
      'email ann@example.com about #2',
      'connection close',
    ])
  })

  it('throws the handler error into the yield dependencies, which clean up before the answer', async () => {
    const tooMany = await call('/orders/', order('Garden', 20))
    expect(tooMany.status).toBe(400)
    expect(tooMany.body).toEqual({ detail: 'Too many' })
    expect(tooMany.beforeBody).toEqual(['connection open', 'begin', 'rollback', 'connection close'])
    expect(tooMany.after).toEqual(tooMany.beforeBody) // no background task: the request failed
    const offMenu = await call('/orders/', order('Pizza', 1))
    expect(offMenu.body).toEqual({ detail: 'Pizza is not on the menu' })
  })

  it('lets a yield dependency translate the error it receives', async () => {
    const res = await call('/orders/9', { headers: key })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ detail: 'Order 9 not found' })
  })

  it('accumulates validation errors in one 422, dependencies first, siblings still run', async () => {
    const res = await call('/orders/?skip=-1&limit=0')
    expect(res.status).toBe(422)
    expect(res.body).toEqual({
      detail: [
        { type: 'missing', loc: ['header', 'x-key'], msg: 'Field required', input: null },
        {
          type: 'greater_than_equal',
          loc: ['query', 'skip'],
          msg: 'Input should be greater than or equal to 0',
          input: '-1',
          ctx: { ge: 0 },
        },
        {
          type: 'greater_than_equal',
          loc: ['query', 'limit'],
          msg: 'Input should be greater than or equal to 1',
          input: '0',
          ctx: { ge: 1 },
        },
      ],
    })
    expect(res.after).toEqual(['connection open', 'connection close'])
  })

  it('stops at an HTTPException: the dependencies after it never run', async () => {
    const res = await call('/orders/?skip=-1', { headers: { 'x-key': 'nope' } })
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ detail: 'Invalid key' })
    expect(res.after).toEqual([])
  })

  it('computes a dependency once per request, unless cache: false', async () => {
    const first = (await call('/numbers')).body
    const second = (await call('/numbers')).body
    expect(second.n - first.n).toBe(2)
    expect(first).toEqual({ audit: `request #${first.n}`, n: first.n, again: first.n + 1 })
    expect(second).toEqual({ audit: `request #${second.n}`, n: second.n, again: second.n + 1 })
  })

  it('overrides dependencies at any depth, with plain functions too, until cleared', async () => {
    dependenciesApp.dependencyOverrides.set(
      connection,
      depends(async function* fakeConnection() {
        yield new Map([[7, { id: 7, item: 'Test burger', qty: 1 }]])
      }),
    )
    dependenciesApp.dependencyOverrides.set(settings, () => ({ currency: 'USD', maxQty: 1 }))
    try {
      expect((await call('/orders/', { headers: key })).body).toEqual([
        { id: 7, item: 'Test burger', qty: 1 },
      ])
      // transaction's connection is replaced too; the settings' maxQty is now 1
      expect((await call('/orders/', order('Classic', 2))).body).toEqual({ detail: 'Too many' })
      const created = await call('/orders/', order('Classic', 1))
      expect(created.body).toEqual({ id: 2, item: 'Classic', qty: 1 })
      expect(created.after).not.toContain('connection open')
    } finally {
      dependenciesApp.dependencyOverrides.clear()
    }
    expect((await call('/orders/7', { headers: key })).status).toBe(404)
  })

  it('documents the dependencies’ parameters on the routes that use them', () => {
    const list = dependenciesApp.openapi().paths['/orders/']?.get
    expect((list?.parameters ?? []).map((p) => ('name' in p ? `${p.in}:${p.name}` : '?'))).toEqual([
      'query:skip',
      'query:limit',
      'header:x-key',
    ])
  })

  afterAll(async () => {
    await dependenciesApp.close()
    expect(events.at(-1)).toBe('shutdown')
  })
})

describe('docs/examples/security.ts', () => {
  const form = (body: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })
  async function call(path: string, init: RequestInit = {}) {
    const res = await securityApp.request(path, init)
    return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() }
  }
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

  it('issues tokens with the password flow and checks scopes down the chain', async () => {
    const bob = (await call('/token', form('username=bob&password=builder&scope=orders:read orders:write')))
      .body
    expect(bob.token_type).toBe('bearer')
    const ann = (
      await call('/token', form('username=ann&password=wonderland&scope=orders:read+orders:write'))
    ).body
    expect(await call('/token', form('username=ann&password=nope'))).toMatchObject({
      status: 400,
      body: { detail: 'Incorrect username or password' },
    })
    expect(await call('/me')).toEqual({
      status: 401,
      challenge: 'Bearer',
      body: { detail: 'Not authenticated' },
    })
    expect(await call('/me', bearer('forged'))).toMatchObject({
      status: 401,
      body: { detail: 'Invalid token' },
    })
    expect((await call('/me', bearer(bob.access_token))).body).toEqual({
      username: 'bob',
      scopes: ['orders:read'],
    })
    expect((await call('/orders', bearer(bob.access_token))).body).toEqual({ orders: [], for: 'bob' })
    expect(await call('/orders', { method: 'POST', ...bearer(bob.access_token) })).toEqual({
      status: 403,
      challenge: 'Bearer scope="orders:write"',
      body: { detail: 'Not enough permissions' },
    })
    expect(await call('/orders', { method: 'POST', ...bearer(ann.access_token) })).toMatchObject({
      status: 201,
      body: { placedBy: 'ann' },
    })
  })

  it('reads HTTP Basic and Bearer credentials, 401 with the challenge when missing', async () => {
    expect(await call('/kitchen')).toEqual({
      status: 401,
      challenge: 'Basic realm="kitchen"',
      body: { detail: 'Not authenticated' },
    })
    const basic = (user: string) => ({ headers: { authorization: `Basic ${btoa(user)}` } })
    expect((await call('/kitchen', basic('ann:wonderland'))).body).toEqual({ cook: 'ann' })
    expect((await call('/kitchen', basic('ann:x'))).status).toBe(401)
    expect((await call('/webhooks', { method: 'POST', ...bearer('hook-secret') })).body).toEqual({
      accepted: true,
    })
    expect((await call('/webhooks', { method: 'POST' })).challenge).toBe('Bearer')
  })

  it('reads API keys from a header, the query or a cookie', async () => {
    expect((await call('/stats', { headers: { 'X-API-Key': 'k1' } })).body).toEqual({ key: 'k1' })
    expect((await call('/feed?api_key=k2')).body).toEqual({ key: 'k2' })
    expect((await call('/cart', { headers: { cookie: 'session=k3' } })).body).toEqual({ key: 'k3' })
    for (const path of ['/stats', '/feed', '/cart']) {
      expect(await call(path)).toEqual({
        status: 401,
        challenge: 'APIKey',
        body: { detail: 'Not authenticated' },
      })
    }
  })

  it('gives null with autoError: false', async () => {
    expect((await call('/greeting')).body).toEqual({ hello: 'guest' })
    expect((await call('/greeting', bearer('abc'))).body).toEqual({ hello: 'token abc' })
  })

  it('documents the schemes and the scopes each route requires', () => {
    const document = securityApp.openapi()
    expect(document.components?.securitySchemes?.OAuth2PasswordBearer).toEqual({
      type: 'oauth2',
      flows: {
        password: {
          tokenUrl: '/token',
          scopes: { 'orders:read': 'Read orders', 'orders:write': 'Place orders' },
        },
      },
    })
    expect(document.paths['/orders']?.get?.security).toEqual([{ OAuth2PasswordBearer: ['orders:read'] }])
    expect(document.paths['/orders']?.post?.security).toEqual([{ OAuth2PasswordBearer: ['orders:write'] }])
    expect(document.paths['/stats']?.get?.security).toEqual([{ APIKeyHeader: [] }])
    expect(document.paths['/stats']?.get?.parameters).toBeUndefined() // the key is the scheme
  })
})

describe('docs/examples/blocking.ts, inline (app.request() has no pool)', () => {
  it('answers the same as on a pool, on the main thread', async () => {
    expect(await (await blockingApp.request('/status')).json()).toEqual({ ok: true })
    expect(await (await blockingApp.request('/health')).json()).toEqual({ ok: true })
    const signup = await blockingApp.request('/signup', {
      method: 'POST',
      headers: json,
      body: '{"password":"burgers!"}',
    })
    expect((await signup.json()).hash).toMatch(/^[0-9a-f]{64}$/)
    const order = await blockingApp.request('/orders/1')
    expect(order.headers.get('x-thread')).toBe('0')
    expect(await order.json()).toEqual({ id: 1, item: 'Classic', thread: 0, lifespanThread: 0 })
    await blockingApp.settled()
    const missing = await blockingApp.request('/orders/3')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: 'Order not found' })
    expect(await (await blockingApp.request('/reports/1000')).json()).toEqual({ checksum: 729977 })
    const csv = await blockingApp.request('/menu.csv')
    expect(csv.headers.get('content-type')).toBe('text/csv')
    expect(await csv.text()).toBe('item,price\nClassic,8.50\nGarden,9.00\n')
  })
})
