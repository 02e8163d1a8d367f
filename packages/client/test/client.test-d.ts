import type { ValidationIssue } from '@tandem/core'
import { App, depends, Router } from '@tandem/core'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  type CallResult,
  type Client,
  type ClientSocket,
  createClient,
  type MethodCall,
  type RoutesOf,
  type SSEMessage,
  testClient,
} from '../src/index.ts'
import { app } from './shop.ts'

const client = createClient<typeof app>('http://localhost:8000')

type ItemJson = { id: number; name: string; price: number; tags: string[]; created: string }

describe('paths', () => {
  it('offers the declared paths of each method, prefixes included', () => {
    type GetPath = Parameters<typeof client.get>[0]
    expectTypeOf<GetPath>().toEqualTypeOf<
      | '/hello/:name'
      | '/search'
      | '/whoami'
      | '/numbers'
      | '/ticks'
      | '/plain'
      | '/slow'
      | '/nothing'
      | '/api/items/'
      | '/api/items/:id'
      | '/tenant/me'
    >()
    expectTypeOf<Parameters<typeof client.post>[0]>().toEqualTypeOf<'/upload' | '/api/items/'>()
    // @ts-expect-error a path that is not declared for GET
    client.get('/upload')
    // @ts-expect-error the router's own prefix is under the include's
    client.get('/items/:id', { params: { id: 1 } })
  })

  it('says how to type routes when the app type has none (routes declared as statements)', () => {
    const bare = new App()
    bare.get('/x', () => 1)
    const none = createClient<typeof bare>('http://x')
    // @ts-expect-error the path parameter is a message: declare routes in a chain
    none.get('/x')
    expectTypeOf<
      Parameters<typeof none.get>[0]
    >().toEqualTypeOf<'This app type has no routes of this method: declare routes in a chain (new App().get(...).post(...)) or in routers included with app.include(); see docs/client.md'>()
  })

  it('types an app with a prefix and a router with explicit type arguments', () => {
    const api = new App({ prefix: '/v1' }).get('/ping', () => 'pong')
    expectTypeOf<Parameters<Client<typeof api>['get']>[0]>().toEqualTypeOf<'/v1/ping'>()
    const typed = new Router<{ db: string }, unknown, '/r'>({ prefix: '/r' }).get(
      '/x',
      ({ state }) => state.db,
    )
    const withState = new App<{ db: string }>().include(typed)
    expectTypeOf<Parameters<Client<typeof withState>['get']>[0]>().toEqualTypeOf<'/r/x'>()
  })
})

describe('inputs', () => {
  it('types path parameters: declared ones by their schema, others as strings or numbers', () => {
    client.get('/hello/:name', { params: { name: 'ann' } })
    client.get('/api/items/:id', { params: { id: 1 } })
    // @ts-expect-error id is declared z.number().int()
    client.get('/api/items/:id', { params: { id: '1' } })
    // @ts-expect-error params are required
    client.get('/api/items/:id')
    // @ts-expect-error params are required
    client.get('/api/items/:id', {})
  })

  it('types the query: required and optional fields, arrays, dates, no unknown keys', () => {
    client.get('/search', { query: { q: 'x' } })
    client.get('/search', { query: { q: 'x', vegan: true, max: 9.5, ids: [1, 2], since: new Date() } })
    // @ts-expect-error q is required
    client.get('/search', { query: { vegan: true } })
    // @ts-expect-error the whole input is required (q is)
    client.get('/search')
    // @ts-expect-error vegan is a boolean
    client.get('/search', { query: { q: 'x', vegan: 'yes' } })
    // @ts-expect-error an undeclared query parameter
    client.get('/search', { query: { q: 'x', typo: 1 } })
  })

  it("types a dependency's inputs as the route's (pagination's query, optional with defaults)", () => {
    client.get('/api/items/')
    client.get('/api/items/', { query: { skip: 1, limit: 5 } })
    // @ts-expect-error limit is a number
    client.get('/api/items/', { query: { limit: 'five' } })
  })

  it('types headers and cookies; other headers pass', () => {
    client.get('/whoami', { headers: { 'x-request-id': 'r1' } })
    client.get('/whoami', {
      headers: { 'x-request-id': 'r1', 'accept-language': ['en', 'fr'], traceparent: '00-abc' },
      cookies: { session: 's', visits: 2 },
    })
    // @ts-expect-error x-request-id is required
    client.get('/whoami', { headers: { 'accept-language': ['en'] } })
    // @ts-expect-error visits is a number
    client.get('/whoami', { headers: { 'x-request-id': 'r1' }, cookies: { visits: 'two' } })
    // A security dependency's header is optional (the client may send it with every call).
    client.post('/api/items/', { body: { name: 'n', price: 1 }, headers: { 'x-api-key': 'secret' } })
    client.get('/hello/:name', { params: { name: 'x' }, headers: { authorization: 'Bearer t' } })
  })

  it('types JSON bodies and forms with files', () => {
    client.post('/api/items/', { body: { name: 'Spicy', price: 9.5, tags: ['hot'] } })
    // @ts-expect-error price is required
    client.post('/api/items/', { body: { name: 'Spicy' } })
    // @ts-expect-error the body is required
    client.post('/api/items/')
    client.post('/upload', { form: { title: 't', file: new File(['x'], 'x.txt') } })
    // @ts-expect-error file is a File
    client.post('/upload', { form: { title: 't', file: 'x.txt' } })
    // @ts-expect-error this route reads a form, not a JSON body
    client.post('/upload', { body: { title: 't' } })
  })

  it('takes an AbortSignal and fetch options on every call', () => {
    const controller = new AbortController()
    client.get('/plain', { signal: controller.signal, init: { credentials: 'include' } })
  })
})

describe('results', () => {
  it('types the success from the response model, as JSON (dates as strings)', async () => {
    const res = await client.get('/api/items/:id', { params: { id: 1 } })
    if (res.ok) {
      expectTypeOf(res.status).toEqualTypeOf<200>()
      expectTypeOf(res.data).toEqualTypeOf<ItemJson>()
    }
    if (res.status === 200) expectTypeOf(res.data).toEqualTypeOf<ItemJson>()
  })

  it("types the success from the handler's return when there is no model", async () => {
    const hello = await client.get('/hello/:name', { params: { name: 'x' } })
    if (hello.ok) expectTypeOf(hello.data).toEqualTypeOf<{ hello: string }>()
    const nothing = await client.get('/nothing')
    if (nothing.ok) expectTypeOf(nothing.data).toEqualTypeOf<null>()
    const plain = await client.get('/plain')
    if (plain.ok) expectTypeOf(plain.data).toEqualTypeOf<unknown>()
  })

  it('narrows on status: 422, declared errors with their models, the declared success status', async () => {
    const res = await client.post('/api/items/', { body: { name: 'x', price: 1 } })
    if (res.status === 201) expectTypeOf(res.data).toEqualTypeOf<ItemJson>()
    if (res.status === 422) expectTypeOf(res.error).toEqualTypeOf<{ detail: ValidationIssue[] }>()
    if (res.status === 409)
      expectTypeOf(res.error).toEqualTypeOf<{ detail: string; code: 'out_of_stock' | 'closed' }>()
    if (res.status === 500) expectTypeOf(res.error).toEqualTypeOf<unknown>()
    if (!res.ok) expectTypeOf(res.data).toEqualTypeOf<undefined>()
    // @ts-expect-error 200 is not this route's success status (201 is)
    if (res.status === 200) return
    const one = await client.get('/api/items/:id', { params: { id: 1 } })
    if (one.status === 404) expectTypeOf(one.error).toEqualTypeOf<{ detail: string }>()
    const hello = await client.get('/hello/:name', { params: { name: 'x' } })
    // A route that validates nothing declares no 422: one would be an undeclared error.
    if (hello.status === 422) expectTypeOf(hello.error).toEqualTypeOf<unknown>()
  })

  it('gives JSON Lines and SSE routes typed async iterables', async () => {
    const numbers = await client.get('/numbers', { query: { count: 3 } })
    if (numbers.ok) expectTypeOf(numbers.data).toEqualTypeOf<AsyncIterable<{ n: number; square: number }>>()
    const ticks = await client.get('/ticks')
    if (ticks.ok) expectTypeOf(ticks.data).toEqualTypeOf<AsyncIterable<SSEMessage<{ i: number }>>>()
  })

  it('types a status-204 route and HEAD', async () => {
    const gone = await client.delete('/api/items/:id', { params: { id: 1 } })
    if (gone.ok) expectTypeOf(gone.status).toEqualTypeOf<204>()
    const head = await client.head('/api/items/:id', { params: { id: 1 } })
    expectTypeOf(head.status).toExtend<number>()
  })
})

describe('methods called on the client and detached', () => {
  it('types a call on the client from the route the client type keeps, by method', async () => {
    const res = await client.post('/api/items/', { body: { name: 'n', price: 2 } })
    expectTypeOf(res).toEqualTypeOf<CallResult<RoutesOf<typeof app>['POST']['/api/items/']>>()
    const one = await client.get('/api/items/:id', { params: { id: 1 } })
    expectTypeOf(one).toEqualTypeOf<CallResult<RoutesOf<typeof app>['GET']['/api/items/:id']>>()
    // @ts-expect-error the body's price is a number
    client.post('/api/items/', { body: { name: 'n', price: 'two' } })
    // @ts-expect-error the path parameter is required
    client.get('/api/items/:id', {})
    // @ts-expect-error a GET path is not a POST path
    client.post('/search')
  })

  it('keeps every type of a method given its type with MethodCall (a detached method)', async () => {
    const get: MethodCall<RoutesOf<typeof app>['GET']> = client.get
    const res = await get('/api/items/:id', { params: { id: 1 } })
    if (res.status === 200) expectTypeOf(res.data).toEqualTypeOf<ItemJson>()
    else if (res.status === 404) expectTypeOf(res.error).toEqualTypeOf<{ detail: string }>()
    // @ts-expect-error the id is a number
    get('/api/items/:id', { params: { id: [] } })
    // @ts-expect-error not a GET path
    get('/upload')
  })

  it('types a method detached without MethodCall loosely: its paths, any input', async () => {
    const { get } = client
    // @ts-expect-error not a GET path
    get('/upload')
    const res = await get('/api/items/:id', { anything: 1 })
    expectTypeOf(res.status).toBeNumber()
  })
})

describe('testClient', () => {
  it('has the same type as createClient', () => {
    expectTypeOf(testClient(app)).toEqualTypeOf<Client<typeof app>>()
  })

  it('types a route declared with app.route() and a router declared in a chain', () => {
    const small = new App()
      .route(
        'patch',
        '/x/:id',
        { params: { id: z.number() }, body: z.object({ on: z.boolean() }) },
        ({ body }) => body,
      )
      .include(
        new Router().put('/y', () => 1),
        { prefix: '/r' },
      )
    const c = createClient<typeof small>('http://x')
    c.patch('/x/:id', { params: { id: 1 }, body: { on: true } })
    c.put('/r/y')
  })
})

describe('dependencies of routers, includes and the app', () => {
  const tenant = depends({ headers: { 'x-tenant': z.string() } }, ({ headers }) => headers['x-tenant'])
  const page = depends({ query: { page: z.number().int().default(1) } }, ({ query }) => query.page)
  const audit = depends({ cookies: { trace: z.string().optional() } }, () => {})
  const inner = new Router({ prefix: '/inner', dependencies: [tenant] }).get('/a', () => 1)
  const small = new App({ dependencies: [audit] })
    .get('/own', () => 1)
    .include(inner, { prefix: '/api', dependencies: [page] })
    .include(new Router().get('/free', () => 2))
  const c = createClient<typeof small>('http://x')

  it("types their inputs as every route's inputs under them, as the server runs them", () => {
    c.get('/api/inner/a', { headers: { 'x-tenant': 't' }, query: { page: 2 }, cookies: { trace: 'x' } })
    c.get('/api/inner/a', { headers: { 'x-tenant': 't' } })
    // @ts-expect-error the router's dependency requires the x-tenant header
    c.get('/api/inner/a', { query: { page: 2 } })
    // @ts-expect-error the include's dependency reads page as a number
    c.get('/api/inner/a', { headers: { 'x-tenant': 't' }, query: { page: 'two' } })
    // The app's dependency runs before every route: its cookie is an input of each.
    c.get('/own', { cookies: { trace: 'x' } })
    c.get('/free', { cookies: { trace: 'x' } })
    c.get('/own')
    // @ts-expect-error the include's query is not an input of a route outside it
    c.get('/free', { query: { page: 1 } })
    // @ts-expect-error trace is a string
    c.get('/own', { cookies: { trace: 1 } })
  })

  it('answers 422 when one of those dependencies validates an input', async () => {
    const res = await c.get('/api/inner/a', { headers: { 'x-tenant': 't' } })
    if (res.status === 422) expectTypeOf(res.error).toEqualTypeOf<{ detail: ValidationIssue[] }>()
    const only = new App().include(inner)
    const plain = await createClient<typeof only>('http://x').get('/inner/a', {
      headers: { 'x-tenant': 't' },
    })
    if (plain.status === 422) expectTypeOf(plain.error).toEqualTypeOf<{ detail: ValidationIssue[] }>()
  })

  it('nests: a router including a router with dependencies, included with more', () => {
    const outer = new Router({ prefix: '/o', dependencies: [page] }).include(inner)
    const nested = new App().include(outer, { dependencies: [audit] })
    const n = createClient<typeof nested>('http://x')
    n.get('/o/inner/a', { headers: { 'x-tenant': 't' }, query: { page: 1 }, cookies: { trace: 't' } })
    // @ts-expect-error the innermost router's header is still required
    n.get('/o/inner/a', { query: { page: 1 } })
  })

  it('takes any dependencies when the type arguments are given explicitly', () => {
    const typed = new Router<{ db: string }, unknown, '/r'>({ prefix: '/r', dependencies: [tenant] }).get(
      '/x',
      ({ state }) => state.db,
    )
    const withState = new App<{ db: string }>({ dependencies: [audit] }).include(typed)
    createClient<typeof withState>('http://x').get('/r/x')
  })
})

describe('WebSocket routes', () => {
  it('offers the declared WebSocket paths, and types the handshake inputs', async () => {
    expectTypeOf<Parameters<typeof client.ws>[0]>().toEqualTypeOf<'/rooms/:room'>()
    await client.ws('/rooms/:room', { params: { room: 'lobby' }, query: { shout: true }, protocols: ['v1'] })
    await client.ws('/rooms/:room', { params: { room: 'lobby' }, headers: { 'x-user': 'ann' } })
    // @ts-expect-error the room is required
    await client.ws('/rooms/:room')
    // @ts-expect-error shout is a boolean
    await client.ws('/rooms/:room', { params: { room: 'x' }, query: { shout: 'yes' } })
    // @ts-expect-error an HTTP path is not a WebSocket route
    await client.ws('/search', { query: { q: 'x' } })
    // @ts-expect-error no fetch options on a socket
    await client.ws('/rooms/:room', { params: { room: 'x' }, init: {} })
  })

  it("types what the socket sends by the route's receive schema, and what it reads by its send schema, as JSON", async () => {
    const socket = await client.ws('/rooms/:room', { params: { room: 'lobby' } })
    expectTypeOf(socket).toEqualTypeOf<
      ClientSocket<{ text: string }, { text: string; room: string; at: string }>
    >()
    socket.send({ text: 'hi' })
    // @ts-expect-error text is a string
    socket.send({ text: 1 })
    expectTypeOf(await socket.receive()).toEqualTypeOf<{ text: string; room: string; at: string }>()
    for await (const message of socket) expectTypeOf(message.at).toEqualTypeOf<string>()
  })

  it('types a route without message schemas as unknown, and an app without sockets says so', async () => {
    const echo = new App().ws('/echo', async () => {})
    const socket = await createClient<typeof echo>('http://x').ws('/echo')
    expectTypeOf(socket).toEqualTypeOf<ClientSocket<unknown, unknown>>()
    const none = createClient<typeof small>('http://x')
    // @ts-expect-error the path parameter is a message: no WebSocket routes in the chain
    await none.ws('/x')
  })
})

const small = new App().get('/x', () => 1)
