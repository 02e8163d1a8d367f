import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  App,
  apiKeyHeader,
  type Dependency,
  type DependencyDeclaration,
  depends,
  type EventStream,
  httpBearer,
  type RouteDeclaration,
  type RouteEntry,
  Router,
  sse,
} from './index.ts'

const Item = z.object({ id: z.number() })
type RoutesOf<A> = A extends App<any, any, infer P, infer R> ? { prefix: P; routes: R } : never

describe('routes in the type of an app or router (for @tandem/client)', () => {
  it('adds each route of a chain, by method then path, with its declaration and result', () => {
    const app = new App()
      .get('/items/:id', { params: { id: z.number() }, response: Item }, ({ params }) => ({ id: params.id }))
      .post('/items', { body: Item, status: 201 }, ({ body }) => body)
      .get('/ping', () => 'pong' as const)
    type R = RoutesOf<typeof app>['routes']
    expectTypeOf<keyof R['GET']>().toEqualTypeOf<'/items/:id' | '/ping'>()
    expectTypeOf<keyof R['POST']>().toEqualTypeOf<'/items'>()
    expectTypeOf<R['GET']['/ping']>().toEqualTypeOf<RouteEntry<{}, 'pong'>>()
    expectTypeOf<R['POST']['/items']['declaration']['status']>().toEqualTypeOf<201>()
    expectTypeOf<R['POST']['/items']['result']>().toEqualTypeOf<{ id: number }>()
  })

  it('keeps statements working: a route method returns the same app, typed with one more route', () => {
    const app = new App()
    const same = app.get('/x', () => 1)
    expectTypeOf(same).toExtend<App>()
    expectTypeOf<RoutesOf<typeof app>['routes']>().toEqualTypeOf<{}>()
    // use() and exceptionHandler() return `this`, ws() adds its route: the routes so far stay in the type.
    const chained = new App()
      .get('/a', () => 1)
      .use(async (_c, next) => next())
      .exceptionHandler(Error, () => new Response('x'))
      .ws('/socket', async () => {})
      .delete('/b', () => null)
    expectTypeOf<keyof RoutesOf<typeof chained>['routes']['GET']>().toEqualTypeOf<'/a'>()
    expectTypeOf<keyof RoutesOf<typeof chained>['routes']['DELETE']>().toEqualTypeOf<'/b'>()
    expectTypeOf<RoutesOf<typeof chained>['routes']['WS']>().toEqualTypeOf<{
      '/socket': RouteEntry<{}, void>
    }>()
  })

  it('records WebSocket routes under WS with their declarations, and still types their handlers', () => {
    const Message = z.object({ text: z.string() })
    const app = new App()
      .ws(
        '/chat/:room',
        { params: { room: z.string() }, receive: Message, send: Message },
        async ({ socket, params }) => {
          expectTypeOf(params.room).toEqualTypeOf<string>()
          for await (const message of socket) socket.send({ text: message.text })
        },
      )
      .include(new Router({ prefix: '/r' }).ws('/feed', async () => {}))
    type R = RoutesOf<typeof app>['routes']
    expectTypeOf<keyof R['WS']>().toEqualTypeOf<'/chat/:room' | '/r/feed'>()
    expectTypeOf<R['WS']['/chat/:room']['declaration']['receive']>().toEqualTypeOf<typeof Message>()
    new App().ws(
      '/bad',
      // @ts-expect-error a message schema must be a schema
      { receive: { text: 'x' } },
      async () => {},
    )
  })

  it("types included routers under the include's prefix and their own, and nested routers", () => {
    const inner = new Router({ prefix: '/inner' }).get('/:slug', ({ params }) => params.slug)
    const orders = new Router({ prefix: '/orders' })
      .get('/', () => [])
      .put('/:id', { params: { id: z.number() } }, () => null)
      .include(inner, { prefix: '/n' })
    const app = new App()
      .get('/', () => 'home')
      .include(orders, { prefix: '/api' })
      .include(new Router().get('/bare', () => 1))
    type R = RoutesOf<typeof app>['routes']
    expectTypeOf<keyof R['GET']>().toEqualTypeOf<
      '/' | '/api/orders/' | '/api/orders/n/inner/:slug' | '/bare'
    >()
    expectTypeOf<keyof R['PUT']>().toEqualTypeOf<'/api/orders/:id'>()
  })

  it("keeps the app's own prefix in its type, and any app still fits App and App<any, any>", () => {
    const api = new App({ prefix: '/v1' }).get('/x', () => 1)
    expectTypeOf<RoutesOf<typeof api>['prefix']>().toEqualTypeOf<'/v1'>()
    const plain: App = api
    const loose: App<any, any> = api
    const router: Router<any, any> = new Router({ prefix: '/r' }).get('/y', () => 2)
    expectTypeOf(plain).toExtend<App>()
    expectTypeOf(loose).toExtend<App<any, any>>()
    expectTypeOf(router).toExtend<Router<any, any>>()
    // With explicit type arguments, the prefix is one of them (else '' refuses the option).
    new Router<{ db: string }, unknown, '/r'>({ prefix: '/r' })
    // @ts-expect-error the prefix type argument defaults to '': give it with the others
    new Router<{ db: string }>({ prefix: '/r' })
  })

  it("records the dependencies of routers, includes and the app above each route (their inputs are the route's)", () => {
    const tenant = depends({ headers: { 'x-tenant': z.string() } }, () => 't')
    const page = depends({ query: { page: z.number().default(1) } }, ({ query }) => query.page)
    const audit = depends(() => {})
    const inner = new Router({ prefix: '/inner', dependencies: [tenant] }).get('/a', () => 1)
    const app = new App({ dependencies: [audit] })
      .get('/own', () => 1)
      .include(inner, { prefix: '/api', dependencies: [page] })
      .include(new Router().get('/free', () => 2))
    type R = RoutesOf<typeof app>['routes']
    expectTypeOf<R['GET']['/api/inner/a']['dependencies']>().toEqualTypeOf<typeof page | typeof tenant>()
    expectTypeOf<R['GET']['/free']['dependencies']>().toEqualTypeOf<never>()
    expectTypeOf<R['GET']['/own']>().toEqualTypeOf<RouteEntry<{}, number>>()
    expectTypeOf(app).toEqualTypeOf<App<unknown, unknown, '', R, typeof audit>>()
    // Given type arguments explicitly, a router takes any dependencies (and records none).
    const typed = new Router<{ db: string }, unknown, '/r'>({ prefix: '/r', dependencies: [tenant] })
    expectTypeOf(typed).toEqualTypeOf<Router<{ db: string }, unknown, '/r'>>()
  })

  it('types app.route() like the method of the same name', () => {
    const app = new App().route('patch', '/items/:id', { params: { id: z.number() } }, () => 1)
    expectTypeOf<keyof RoutesOf<typeof app>['routes']['PATCH']>().toEqualTypeOf<'/items/:id'>()
  })

  it('checks declarations structurally (cheap to check), refusing what is not a schema', () => {
    const declared: RouteDeclaration = { query: { q: z.string() }, response: Item }
    new App().get('/typed', declared, () => ({ id: 1 }))
    const asDependency: DependencyDeclaration = { headers: z.object({ 'x-id': z.string() }) }
    depends(asDependency, ({ headers }) => headers)
    new App()
      .get(
        '/q',
        { query: z.object({ q: z.string() }), headers: { 'x-a': z.string() } },
        ({ query, headers }) => {
          expectTypeOf(query).toEqualTypeOf<{ q: string }>()
          expectTypeOf(headers).toEqualTypeOf<{ 'x-a': string }>()
        },
      )
      // @ts-expect-error a query field must be a schema
      .get('/bad-field', { query: { q: 'text' } }, () => 1)
      // @ts-expect-error an object input is a shape or a z.object(), not a scalar schema
      .get('/bad-object', { query: z.string() }, () => 1)
      // @ts-expect-error a response model must be a schema
      .get('/bad-model', { response: { id: 1 } }, () => 1)
      // @ts-expect-error a declared response's model must be a schema
      .get('/bad-responses', { responses: { 404: { model: 'x' } } }, () => 1)
    // @ts-expect-error a dependency's body must be a schema
    depends({ body: { name: 'x' } }, () => 1)
  })

  it('still checks handlers against response models in a chain', () => {
    new App()
      .get('/ok', { response: Item }, () => ({ id: 1 }))
      // @ts-expect-error id must be a number
      .get('/bad', { response: Item }, () => ({ id: 'one' }))
  })
})

describe('declarations in the types of dependencies and streams', () => {
  it("keeps a dependency's declaration in its type (a client sends its inputs), .with() too", () => {
    const page = depends({ query: { skip: z.number().default(0) } }, ({ query }) => query.skip)
    expectTypeOf(page).toEqualTypeOf<
      Dependency<number, { readonly query: { readonly skip: z.ZodDefault<z.ZodNumber> } }>
    >()
    expectTypeOf(page.with({ cache: false })).toEqualTypeOf(page)
    const key = apiKeyHeader({ name: 'X-Key' })
    expectTypeOf(key.__declaration).toEqualTypeOf<{ headers: { 'x-key': z.ZodOptional<z.ZodString> } }>()
    expectTypeOf(httpBearer().__declaration.headers).toEqualTypeOf<{
      authorization: z.ZodOptional<z.ZodString>
    }>()
  })

  it('types what sse() streams', () => {
    const stream = sse([{ event: 'tick', data: { i: 1 } }])
    expectTypeOf(stream).toEqualTypeOf<EventStream<{ event: string; data: { i: number } }>>()
    expectTypeOf(stream).toExtend<Response>()
  })
})
