import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, apiKeyHeader, depends, oauth2PasswordBearer, Router } from '../index.ts'

function shop() {
  const app = new App({ title: 'Burger shop', version: '1.2.3' })
  const paging = depends(
    { query: { skip: z.number().int().min(0).default(0), limit: z.number().int().default(10) } },
    ({ query }) => query,
  )
  const key = apiKeyHeader({ name: 'x-api-key' })
  const oauth2 = oauth2PasswordBearer({ tokenUrl: '/token', scopes: { 'orders:read': 'Read orders' } })
  const user = depends({ deps: { token: oauth2 } }, ({ deps }) => deps.token)
  const Order = z.object({ id: z.number(), total: z.number() }).meta({ id: 'Order' })
  const orders = new Router({ prefix: '/orders', tags: ['orders'], dependencies: [key] })
  orders.get(
    '/',
    { deps: { paging, user: user.with({ scopes: ['orders:read'] }) }, response: z.array(Order) },
    function list_orders() {
      return []
    },
  )
  orders.get(
    '/:id',
    { params: { id: z.number().int() }, deps: { paging }, response: Order },
    function read_order({ params }) {
      return { id: params.id, total: 1 }
    },
  )
  app.include(orders)
  app.get('/health', () => 'ok')
  return app
}

describe('the app OpenAPI document', () => {
  it('documents dependency parameters once, security schemes and scopes, and validates as OpenAPI 3.1', async () => {
    const app = shop()
    const document = app.openapi()
    const list = document.paths['/orders/']?.get
    expect(list?.operationId).toBe('list_orders_orders__get')
    expect(list?.tags).toEqual(['orders'])
    expect((list?.parameters ?? []).map((p) => ('name' in p ? `${p.in}:${p.name}` : '?'))).toEqual([
      'query:skip',
      'query:limit',
    ])
    expect(list?.security).toEqual([{ APIKeyHeader: [] }, { OAuth2PasswordBearer: ['orders:read'] }])
    expect(document.components?.securitySchemes).toEqual({
      APIKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      OAuth2PasswordBearer: {
        type: 'oauth2',
        flows: { password: { tokenUrl: '/token', scopes: { 'orders:read': 'Read orders' } } },
      },
    })
    const read = document.paths['/orders/{id}']?.get
    expect((read?.parameters ?? []).map((p) => ('name' in p ? `${p.in}:${p.name}` : '?'))).toEqual([
      'path:id',
      'query:skip',
      'query:limit',
    ])
    expect(document.components?.schemas?.Order).toBeDefined()
    expect(document.paths['/health']?.get?.responses?.['422']).toBeUndefined()
    const result = await new Validator().validate(structuredClone(document) as never)
    expect(result).toMatchObject({ valid: true })
  })

  it('serves /openapi.json, /docs, /redoc and the assets, none of them in the document', async () => {
    const app = shop()
    const json = await app.request('/openapi.json')
    expect(json.headers.get('content-type')).toBe('application/json')
    const document = await json.json()
    expect(Object.keys(document.paths)).toEqual(['/orders/', '/orders/{id}', '/health'])
    const docs = await app.request('/docs')
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await docs.text()
    expect(html).toContain('/openapi.json')
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js')
    expect(await (await app.request('/redoc')).text()).toContain('/docs/assets/redoc.standalone.js')
    const bundle = await app.request('/docs/assets/swagger-ui-bundle.js')
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toMatch(/javascript/)
    expect((await bundle.text()).length).toBeGreaterThan(100_000)
    expect((await app.request('/docs/assets/..%2Fsecret')).status).toBe(404)
  })

  it('moves or turns off the docs pages', async () => {
    const moved = new App({ docs: { openapi: '/api/schema.json', swagger: '/api/docs', redoc: false } })
    expect((await moved.request('/api/schema.json')).status).toBe(200)
    expect(await (await moved.request('/api/docs')).text()).toContain('/api/schema.json')
    expect((await moved.request('/redoc')).status).toBe(404)
    const off = new App({ docs: false })
    expect((await off.request('/openapi.json')).status).toBe(404)
    expect((await off.request('/docs')).status).toBe(404)
    const cdn = new App({ docs: { assets: 'cdn' } })
    expect(await (await cdn.request('/docs')).text()).toContain('cdn.jsdelivr.net')
  })
})
