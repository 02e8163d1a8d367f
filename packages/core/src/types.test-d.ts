import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { App, type PathParams, Router } from './index.ts'

const Order = z.object({ id: z.number(), total: z.number(), note: z.string().optional() })

describe('route handler inference', () => {
  it('infers path params from the path when params are not declared', () => {
    expectTypeOf<PathParams<'/items/:id'>>().toEqualTypeOf<{ id: string }>()
    expectTypeOf<PathParams<'/a/:x/b/:y?'>>().toEqualTypeOf<{ x: string; y?: string }>()
    expectTypeOf<PathParams<'/files/:name{.+}'>>().toEqualTypeOf<{ name: string }>()
    expectTypeOf<PathParams<'/static'>>().toEqualTypeOf<{}>()
    new App().get('/users/:userId/posts/:postId', ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<{ userId: string; postId: string }>()
    })
  })

  it('types every input location from plain shapes and z.object', () => {
    new App().post(
      '/orders/:id',
      {
        params: { id: z.number().int() },
        query: z.object({ verbose: z.boolean().default(false), tags: z.array(z.string()).optional() }),
        headers: { 'x-api-key': z.string() },
        cookies: { session: z.string().optional() },
        body: z.object({ items: z.array(z.object({ sku: z.string(), qty: z.number() })) }),
      },
      ({ params, query, headers, cookies, body, form }) => {
        expectTypeOf(params).toEqualTypeOf<{ id: number }>()
        expectTypeOf(query).toEqualTypeOf<{ verbose: boolean; tags?: string[] | undefined }>()
        expectTypeOf(headers).toEqualTypeOf<{ 'x-api-key': string }>()
        expectTypeOf(cookies).toEqualTypeOf<{ session?: string | undefined }>()
        expectTypeOf(body).toEqualTypeOf<{ items: { sku: string; qty: number }[] }>()
        expectTypeOf(form).toEqualTypeOf<undefined>()
      },
    )
  })

  it('types forms with files', () => {
    new App().post('/upload', { form: { title: z.string(), file: z.file() } }, ({ form, body }) => {
      expectTypeOf(form).toEqualTypeOf<{ title: string; file: File }>()
      expectTypeOf(body).toEqualTypeOf<undefined>()
    })
  })

  it('checks the return value against the response model', () => {
    const app = new App()
    app.get('/orders/1', { response: Order }, () => ({ id: 1, total: 2, extra: 'dropped' }))
    app.get('/orders/2', { response: Order }, async () => ({ id: 1, total: 2 }))
    app.get('/orders/3', { response: Order }, () => new Response('raw'))
    app.get('/orders/4', { response: Order }, async function* () {
      yield { id: 1, total: 2 }
    })
    // @ts-expect-error total must be a number
    app.get('/orders/5', { response: Order }, () => ({ id: 1, total: 'two' }))
    // @ts-expect-error id is required
    app.get('/orders/6', { response: Order }, () => ({ total: 2 }))
  })

  it('gives the context its request, response state and signal', () => {
    new App().get('/', (ctx) => {
      expectTypeOf(ctx.request).toEqualTypeOf<Request>()
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>()
      expectTypeOf(ctx.response.status).toEqualTypeOf<number | undefined>()
      expectTypeOf(ctx.response.headers).toEqualTypeOf<Headers>()
    })
  })

  it('types routers like the app, and rejects bad declarations', () => {
    const router = new Router({ prefix: '/r' })
    router.get('/:slug', ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<{ slug: string }>()
    })
    // @ts-expect-error params must be Zod schemas
    router.get('/x/:id', { params: { id: 'number' } }, () => null)
    // @ts-expect-error unknown declaration key
    router.get('/y', { param: { id: z.number() } }, () => null)
    // @ts-expect-error a JSON body or a form, not both
    router.post('/z', { body: z.object({ a: z.string() }), form: { b: z.string() } }, () => null)
    router.post('/z', { form: { b: z.string() } }, ({ form, body }) => {
      expectTypeOf(form).toEqualTypeOf<{ b: string }>()
      expectTypeOf(body).toEqualTypeOf<undefined>()
    })
  })
})
