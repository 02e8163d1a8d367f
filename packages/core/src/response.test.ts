import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { App, sse } from './index.ts'

describe('responses', () => {
  it('sends data as JSON with the route status', async () => {
    const app = new App()
    app.post('/items', { status: 201 }, () => ({ id: 1, when: new Date('2026-11-22T00:00:00Z'), big: 10n }))
    app.get('/text', () => 'plain string')
    app.get('/nothing', () => undefined)
    const res = await app.request('/items', { method: 'POST' })
    expect(res.status).toBe(201)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toEqual({ id: 1, when: '2026-11-22T00:00:00.000Z', big: 10 })
    expect(await (await app.request('/text')).json()).toBe('plain string')
    expect(await (await app.request('/nothing')).text()).toBe('null')
  })

  it('filters through the response model: extra keys dropped, null kept, defaults filled', async () => {
    const Out = z.object({
      id: z.number(),
      note: z.string().nullable(),
      tag: z.string().optional(),
      n: z.number().default(7),
    })
    const app = new App()
    app.get('/x', { response: Out }, () => ({ id: 1, note: null, secret: 'hidden' }))
    expect(await (await app.request('/x')).json()).toEqual({ id: 1, note: null, n: 7 })
  })

  it('sends no body with 204, from the route or the response state', async () => {
    const app = new App()
    app.delete('/a', { status: 204 }, () => null)
    app.delete('/b', ({ response }) => {
      response.status = 204
    })
    for (const path of ['/a', '/b']) {
      const res = await app.request(path, { method: 'DELETE' })
      expect(res.status).toBe(204)
      expect(res.headers.get('content-type')).toBeNull()
      expect(await res.text()).toBe('')
    }
  })

  it('merges the response state: status, headers and cookies', async () => {
    const app = new App()
    app.get('/x', ({ response }) => {
      response.status = 202
      response.headers.set('x-trace', 'abc')
      response.cookie('session', 'a b', { httpOnly: true, sameSite: 'lax', maxAge: 60 })
      response.cookie('theme', 'dark')
      return { ok: true }
    })
    const res = await app.request('/x')
    expect(res.status).toBe(202)
    expect(res.headers.get('x-trace')).toBe('abc')
    expect(res.headers.getSetCookie()).toEqual([
      'session=a%20b; Max-Age=60; Path=/; HttpOnly; SameSite=Lax',
      'theme=dark; Path=/',
    ])
    expect(await res.json()).toEqual({ ok: true })
  })

  it('refuses cookie names and attributes that would add attributes of their own', async () => {
    const logger = { error: vi.fn(), warn: vi.fn() }
    const app = new App({ logger })
    app.get('/c', { query: { name: z.string(), path: z.string() } }, ({ query, response }) => {
      response.cookie(query.name, 'v', { path: query.path })
      return { ok: true }
    })
    const ok = await app.request('/c?name=s&path=/app')
    expect(ok.headers.getSetCookie()).toEqual(['s=v; Path=/app'])
    for (const [name, path] of [
      ['s', '/; Domain=evil.example'],
      ['a=b; Domain=evil.example; x', '/'],
      ['s', '/\u0001'],
      ['', '/'],
    ]) {
      const res = await app.request(`/c?name=${encodeURIComponent(name!)}&path=${encodeURIComponent(path!)}`)
      expect(res.status, `${name} ${path}`).toBe(500)
      expect(res.headers.getSetCookie()).toEqual([])
    }
    expect(logger.error.mock.calls.map(([, error]) => (error as Error).message).join('\n')).toMatch(
      /the path "\/; Domain=evil.example" holds a ";"[\s\S]*is not a token/,
    )
  })

  it('passes a returned Response through untouched', async () => {
    const app = new App()
    app.get('/raw', { response: z.object({ id: z.number() }) }, ({ response }) => {
      response.headers.set('x-ignored', '1')
      return new Response('<p>hi</p>', { status: 203, headers: { 'content-type': 'text/html' } })
    })
    const res = await app.request('/raw')
    expect(res.status).toBe(203)
    expect(res.headers.get('x-ignored')).toBeNull()
    expect(await res.text()).toBe('<p>hi</p>')
  })

  it('streams async iterables and generators as JSON Lines, validating each item', async () => {
    const app = new App({ logger: { error: vi.fn(), warn: vi.fn() } })
    const Item = z.object({ n: z.number() })
    app.get('/async', { response: Item }, async function* () {
      for (let n = 0; n < 3; n++) yield { n, extra: true }
    })
    app.get('/sync', function* () {
      yield 'a'
      yield { b: 1 }
    })
    app.get('/bad', { response: Item }, async function* () {
      yield { n: 1 }
      yield { n: 'two' } as never
    })
    const res = await app.request('/async')
    expect(res.headers.get('content-type')).toBe('application/jsonl')
    expect(await res.text()).toBe('{"n":0}\n{"n":1}\n{"n":2}\n')
    expect(await (await app.request('/sync')).text()).toBe('"a"\n{"b":1}\n')
    const bad = await app.request('/bad')
    await expect(bad.text()).rejects.toThrow()
  })

  it('closes the source when the client cancels a stream', async () => {
    const app = new App()
    let closed = false
    app.get('/endless', async function* () {
      try {
        for (let n = 0; ; n++) yield n
      } finally {
        closed = true
      }
    })
    const res = await app.request('/endless')
    const reader = res.body!.getReader()
    await reader.read()
    await reader.cancel()
    expect(closed).toBe(true)
  })

  it('sends Server-Sent Events with sse()', async () => {
    const app = new App()
    app.get('/events', () =>
      sse(
        (async function* () {
          yield { event: 'greeting', id: '1', data: 'hello\nworld' }
          yield { n: 2 }
          yield { comment: 'keep going', retry: 1500 }
        })(),
        { keepAlive: 0 },
      ),
    )
    const res = await app.request('/events')
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(await res.text()).toBe(
      'event: greeting\nid: 1\ndata: hello\ndata: world\n\n' +
        'data: {"n":2}\n\n' +
        ': keep going\nretry: 1500\n\n',
    )
  })
})
