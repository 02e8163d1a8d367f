// The client's runtime cases, run against a real Node server (node.test.ts) and in-process over
// app.request() (test-client.test.ts): the same calls, the same answers.
import { describe, expect, it } from 'vitest'
import type { Client } from '../src/index.ts'
import type { app } from './shop.ts'

export function clientSuite(name: string, connect: () => Client<typeof app>): void {
  describe(`the typed client, ${name}`, () => {
    it('fills path parameters and reads JSON', async () => {
      const client = connect()
      const res = await client.get('/hello/:name', { params: { name: 'Ann Lee/2' } })
      expect(res).toMatchObject({ ok: true, status: 200, data: { hello: 'Ann Lee/2' }, error: undefined })
      expect(res.response).toBeInstanceOf(Response)
    })

    it('sends query strings with arrays, booleans, numbers and dates', async () => {
      const res = await connect().get('/search', {
        query: { q: 'a b&c', vegan: false, max: 9.5, ids: [1, 2], since: new Date('2026-11-22T10:00:00Z') },
      })
      expect(res.ok && res.data).toEqual({
        q: 'a b&c',
        vegan: false,
        max: 9.5,
        ids: [1, 2],
        since: '2026-11-22T10:00:00.000Z',
      })
    })

    it('sends headers (lists comma-separated) and cookies', async () => {
      const res = await connect().get('/whoami', {
        headers: { 'x-request-id': 'r-1', 'accept-language': ['en', 'fr'] },
        cookies: { session: 'a;b=c', visits: 3 },
      })
      expect(res.ok && res.data).toEqual({
        request: 'r-1',
        languages: ['en', 'fr'],
        session: 'a;b=c',
        visits: 3,
      })
    })

    it('reads the response model: dates as strings, declared status', async () => {
      const one = await connect().get('/api/items/:id', { params: { id: 1 } })
      expect(one.ok && one.data).toEqual({
        id: 1,
        name: 'Classic',
        price: 8.5,
        tags: ['beef'],
        created: '2026-01-02T03:04:05.000Z',
      })
      const page = await connect().get('/api/items/', { query: { limit: 1 } })
      expect(page.ok && page.data.map((item) => item.id)).toEqual([1])
    })

    it('narrows on declared errors: a 404 and its detail, a 409 with its model', async () => {
      const missing = await connect().get('/api/items/:id', { params: { id: 999 } })
      expect(missing.status).toBe(404)
      if (missing.status === 404) expect(missing.error.detail).toBe('Item 999 not found')
      const closed = await connect().post('/api/items/', {
        body: { name: 'closed', price: 1 },
        headers: { 'x-api-key': 'secret' },
      })
      expect(closed.status).toBe(409)
      if (closed.status === 409) expect(closed.error.code).toBe('closed')
    })

    it('gives 422s in FastAPI shape', async () => {
      const res = await connect().post('/api/items/', {
        body: { name: '', price: -1 },
        headers: { 'x-api-key': 'secret' },
      })
      expect(res.status).toBe(422)
      if (res.status === 422) {
        expect(res.error.detail.map((issue) => issue.loc)).toEqual([
          ['body', 'name'],
          ['body', 'price'],
        ])
      }
    })

    it('sends the JSON body and the default headers, and a 204 reads as null', async () => {
      const client = connect()
      const refused = await client.post('/api/items/', { body: { name: 'Spicy', price: 9.5 } })
      expect(refused.status).toBe(403)
      expect(refused.error).toEqual({ detail: 'Invalid API key' })
      const made = await client.post('/api/items/', {
        body: { name: 'Spicy', price: 9.5 },
        headers: { 'x-api-key': 'secret' },
      })
      expect(made.status).toBe(201)
      if (made.status !== 201) return
      expect(made.data).toMatchObject({ name: 'Spicy', price: 9.5, tags: [] })
      const gone = await client.delete('/api/items/:id', {
        params: { id: made.data.id },
        headers: { 'x-api-key': 'secret' },
      })
      expect(gone).toMatchObject({ ok: true, status: 204, data: null })
    })

    it('sends forms: urlencoded without files, multipart with them', async () => {
      const client = connect()
      const plain = await client.post('/upload', { form: { title: 'menu', copies: 2 } })
      expect(plain.ok && plain.data).toEqual({ title: 'menu', copies: 2, size: null })
      const file = await client.post('/upload', {
        form: { title: 'menu', file: new File(['burgers'], 'menu.txt') },
      })
      expect(file.ok && file.data).toEqual({ title: 'menu', copies: 1, size: 7, text: 'burgers' })
    })

    it('reads JSON Lines as they come, and stops the stream when the loop breaks', async () => {
      const res = await connect().get('/numbers', { query: { count: 5 } })
      if (!res.ok) throw new Error(`status ${res.status}`)
      const seen: number[] = []
      for await (const item of res.data) seen.push(item.square)
      expect(seen).toEqual([1, 4, 9, 16, 25])
      const again = await connect().get('/numbers', { query: { count: 100 } })
      if (!again.ok) throw new Error(`status ${again.status}`)
      for await (const item of again.data) if (item.n === 2) break
      expect(again.response.bodyUsed).toBe(true)
    })

    it('reads Server-Sent Events typed', async () => {
      const res = await connect().get('/ticks', { query: { count: 3 } })
      if (!res.ok) throw new Error(`status ${res.status}`)
      const events = []
      for await (const message of res.data) events.push(message)
      expect(events).toEqual([
        { event: 'tick', id: '0', data: { i: 0 }, retry: undefined },
        { event: 'tick', id: '1', data: { i: 1 }, retry: undefined },
        { event: 'tick', id: '2', data: { i: 2 }, retry: undefined },
      ])
    })

    it('reads text and empty bodies', async () => {
      const client = connect()
      expect((await client.get('/plain')).data).toBe('just text')
      expect((await client.get('/nothing')).data).toBeNull()
      expect(await client.head('/api/items/:id', { params: { id: 1 } })).toMatchObject({
        status: 200,
        data: null,
      })
    })

    it('aborts a call with its signal, before it is sent or while it waits', async () => {
      const controller = new AbortController()
      controller.abort()
      await expect(connect().get('/plain', { signal: controller.signal })).rejects.toThrow(/abort/i)
      const started = Date.now()
      await expect(connect().get('/slow', { signal: AbortSignal.timeout(100) })).rejects.toThrow(
        /abort|timeout|timed out/i, // Node: "aborted due to timeout"; Bun: "The operation timed out."
      )
      expect(Date.now() - started).toBeLessThan(5_000)
    })

    it("sends a router dependency's header, an input of the router's routes", async () => {
      const client = connect()
      const me = await client.get('/tenant/me', { headers: { 'x-tenant': 'acme' } })
      expect(me).toMatchObject({ ok: true, status: 200, data: { tenant: 'acme' } })
      const other = await client.get('/tenant/me', { headers: { 'x-tenant': 'globex' } })
      expect(other).toMatchObject({ status: 403, error: { detail: 'Unknown tenant' } })
      const missing = await client.get('/tenant/me', {} as { headers: { 'x-tenant': string } })
      expect(missing.status).toBe(422)
      if (missing.status === 422) expect(missing.error.detail[0]?.loc).toEqual(['header', 'x-tenant'])
    })

    it('refuses a call without a required path parameter, naming it', async () => {
      await expect(connect().get('/api/items/:id', { params: {} as { id: number } })).rejects.toThrow(
        'The path parameter "id" of /api/items/:id is missing: pass it in params.',
      )
    })
  })
}
