import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { inspect } from 'node:util'
import { gzipSync } from 'node:zlib'
import { App, HTTPException } from '@tandem/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serve, type TandemServer } from '../src/index.ts'

/** Sends raw bytes (in pieces, with pauses between them) and resolves with the whole answer. */
function raw(port: number, pieces: (string | number)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (typeof piece === 'number') await new Promise((r) => setTimeout(r, piece))
        else socket.write(piece, 'latin1')
      }
    })
  })
}

/** Asks for `url`, then goes away after `ms`: resolves with 'aborted' once the client gave up. */
async function leaveAfter(url: string, ms: number): Promise<unknown> {
  const controller = new AbortController()
  const pending = fetch(url, { signal: controller.signal }).catch(() => 'aborted')
  await new Promise((r) => setTimeout(r, ms))
  controller.abort()
  return pending
}

const events: string[] = []
const logged: string[] = []

const app = new App()
app.post('/orders/:id', { params: { id: z.number().int() }, body: z.object({ sku: z.string() }) }, (ctx) => ({
  id: ctx.params.id,
  sku: ctx.body.sku,
}))
app.post('/raw', {}, async ({ request }) => {
  const text = await request.text()
  return { text, sha: createHash('sha256').update(text).digest('hex'), isRequest: request instanceof Request }
})
app.get('/echo', {}, ({ request }) => ({
  method: request.method,
  url: request.url,
  multi: request.headers.get('x-multi'),
  type: request.headers.get('content-type'),
  cookie: request.headers.get('cookie'),
  missing: request.headers.get('x-missing'),
  has: request.headers.has('X-Multi'),
  names: [...request.headers.keys()].filter((name) => name.startsWith('x-')),
  copy: new Request(request, { headers: { 'x-copy': '1' } }).headers.get('x-copy'),
}))
app.get('/native', {}, () => Response.json({ native: true }, { status: 201, headers: { 'x-native': '1' } }))
app.get('/text', {}, () => new Response('plain words'))
app.get('/cookies', {}, ({ response }) => {
  response.headers.append('set-cookie', 'a=1; Path=/')
  response.headers.append('set-cookie', 'b=2; Path=/')
  return { ok: true }
})
app.get('/lines', {}, async function* () {
  try {
    for (let i = 0; ; i++) {
      yield { i }
      await new Promise((r) => setTimeout(r, 5))
    }
  } finally {
    events.push('lines closed')
  }
})
app.get('/slow', {}, async ({ signal }) => {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      events.push('slow aborted')
      resolve()
    })
  })
  return { done: true }
})
app.get('/items/:id', {}, ({ params }) => ({ id: params.id }))
app.get('/late', {}, async ({ background }) => {
  await new Promise((r) => setTimeout(r, 150))
  background.add(() => {
    events.push('late background')
  })
  return new Response(
    new ReadableStream({
      pull: (controller) => controller.enqueue(new TextEncoder().encode('tick\n')),
      cancel: () => {
        events.push('late cancelled')
      },
    }),
  )
})
app.get('/inspect', {}, ({ request }) => ({ request: inspect(request), headers: inspect(request.headers) }))
app.post('/again', { body: z.object({ a: z.number() }) }, async ({ body, request }) => ({
  a: body.a,
  text: await request.text(),
}))
app.post('/nobody', {}, ({ request }) => ({ hasBody: request.body !== null }))
app.get('/badheader', {}, () => new Response('x', { headers: { 'x-bad': 'a\r\nb' } }))
app.get('/short', {}, () => new Response('hello world', { headers: { 'content-length': '5' } }))
const bytes = (text: string) =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text))
      controller.close()
    },
  })
// Bytes past a declared length would be read as the next response on the connection.
const smuggled = '0123456789HTTP/1.1 200 OK\r\nX-Injected: yes\r\nContent-Length: 0\r\n\r\n'
app.get('/stream-long', {}, () => new Response(bytes(smuggled), { headers: { 'content-length': '3' } }))
app.get('/stream-short', {}, () => new Response(bytes('ab'), { headers: { 'content-length': '10' } }))
app.get('/stream-exact', {}, () => new Response(bytes('abc'), { headers: { 'content-length': '3' } }))
app.get(
  '/framing',
  {},
  () => new Response('hello', { headers: { 'transfer-encoding': 'chunked', 'keep-alive': 'x' } }),
)
app.delete('/gone', { status: 204 }, () => null)
app.get('/unchanged', {}, () => new Response(null, { status: 304, headers: { etag: '"v1"' } }))
app.get('/proxy', { query: { to: z.string() } }, ({ query }) => fetch(query.to))
app.get('/fail', {}, () => {
  throw new HTTPException(418, 'No coffee here')
})

describe('@tandem/node over real sockets: requests and responses', () => {
  let server: TandemServer
  beforeAll(async () => {
    server = (await serve(app, {
      port: 0,
      pool: false,
      logger: { error: (m, e) => logged.push(`${m}: ${(e as Error)?.message}`), warn() {} },
    }))!
  })
  afterAll(() => server?.close())

  it('reads a JSON body sent with its headers, sent after them, and sent chunked', async () => {
    const body = '{"sku":"A-1"}'
    const head = `POST /orders/7 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n`
    const together = await raw(server.port, [`${head}Content-Length: ${body.length}\r\n\r\n${body}`])
    const apart = await raw(server.port, [`${head}Content-Length: ${body.length}\r\n\r\n`, 30, body])
    const split = await raw(server.port, [
      `${head}Content-Length: ${body.length}\r\n\r\n{"sku"`,
      30,
      ':"A-1"}',
    ])
    const chunked = await raw(server.port, [
      `${head}Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n`,
      30,
      '0\r\n\r\n',
    ])
    for (const answer of [together, apart, split, chunked]) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK/)
      expect(answer.split('\r\n\r\n')[1]).toBe('{"id":7,"sku":"A-1"}')
    }
  })

  it('answers many bodies on one connection, one after the other and pipelined', async () => {
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${server.url}/orders/${i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"sku":"S${i}"}`,
      })
      expect(await res.json()).toEqual({ id: i, sku: `S${i}` })
    }
    const one = (i: number) => {
      const body = `{"sku":"P${i}"}`
      return `POST /orders/${i} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
    }
    const pipelined = Array.from({ length: 20 }, (_, i) => one(i)).join('')
    const answer = await raw(server.port, [
      `${pipelined}${one(20).replace('Host: x', 'Host: x\r\nConnection: close')}`,
    ])
    const bodies = answer.match(/\{"id":\d+,"sku":"P\d+"\}/g)
    expect(bodies).toEqual(Array.from({ length: 21 }, (_, i) => `{"id":${i},"sku":"P${i}"}`))
  })

  it('gives handlers a Request whose body they can read themselves', async () => {
    const text = 'é'.repeat(40_000)
    const res = await fetch(`${server.url}/raw`, { method: 'POST', body: text })
    expect(await res.json()).toEqual({
      text,
      sha: createHash('sha256').update(text).digest('hex'),
      isRequest: true,
    })
  })

  it('answers header lookups as the Fetch standard does, and copies the request', async () => {
    const answer = await raw(server.port, [
      'GET /echo?a=1 HTTP/1.1\r\nHost: example.test:8080\r\nX-Multi: one\r\nx-multi: two\r\n' +
        'Content-Type: text/plain\r\nContent-Type: text/html\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: close\r\n\r\n',
    ])
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({
      method: 'GET',
      url: 'http://example.test:8080/echo?a=1',
      multi: 'one, two',
      type: 'text/plain, text/html',
      cookie: 'a=1; b=2',
      missing: null,
      has: true,
      names: ['x-multi'],
      copy: '1',
    })
  })

  it('normalizes the path as a URL does, and refuses a Host that makes no URL with 400', async () => {
    const dots = await raw(server.port, [
      'GET /a/../items/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ])
    expect(dots.split('\r\n\r\n')[1]).toBe('{"id":"5"}')
    const bad = await raw(server.port, ['GET /items/5 HTTP/1.1\r\nHost: a/b@c\r\nConnection: close\r\n\r\n'])
    expect(bad).toMatch(/^HTTP\/1\.1 400 /)
    expect(bad).toContain('Invalid Host header')
  })

  it('writes the runtime’s own responses, plain-text ones and several cookies', async () => {
    const native = await fetch(`${server.url}/native`)
    expect(native.status).toBe(201)
    expect(native.headers.get('x-native')).toBe('1')
    expect(await native.json()).toEqual({ native: true })
    const text = await fetch(`${server.url}/text`)
    expect(text.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(text.headers.get('content-length')).toBe('11')
    expect(await text.text()).toBe('plain words')
    const cookies = await fetch(`${server.url}/cookies`)
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    const teapot = await fetch(`${server.url}/fail`)
    expect(teapot.status).toBe(418)
    expect(await teapot.json()).toEqual({ detail: 'No coffee here' })
    const head = await fetch(`${server.url}/items/3`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('streams, and stops the stream (running its cleanup) when the client goes away', async () => {
    const controller = new AbortController()
    const res = await fetch(`${server.url}/lines`, { signal: controller.signal })
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toMatch(/^\{"i":0\}\n/)
    controller.abort()
    await expect.poll(() => events).toContain('lines closed')
  })

  it('cancels a stream whose client left before it was ready, so its cleanups and tasks still run', async () => {
    expect(await leaveAfter(`${server.url}/late`, 50)).toBe('aborted')
    await expect.poll(() => events).toContain('late cancelled')
    await expect.poll(() => events).toContain('late background')
  })

  it('lets handlers inspect the request, read a declared body again, and see no body when none came', async () => {
    const shown = await (await fetch(`${server.url}/inspect`, { headers: { 'x-a': '1' } })).json()
    expect(shown.request).toContain('/inspect')
    expect(shown.headers).toContain("'x-a': '1'")
    const again = await fetch(`${server.url}/again`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    expect(await again.json()).toEqual({ a: 1, text: '{"a":1}' })
    expect(await (await fetch(`${server.url}/nobody`, { method: 'POST' })).json()).toEqual({ hasBody: false })
  })

  it('checks response headers where the response is made, and always sends the body’s own length', async () => {
    const bad = await fetch(`${server.url}/badheader`)
    expect(bad.status).toBe(500)
    expect(await bad.text()).toBe('Internal Server Error')
    const short = await raw(server.port, ['GET /short HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    expect(short).toMatch(/content-length: 11\r\n/i)
    expect(short.endsWith('\r\n\r\nhello world')).toBe(true)
  })

  it('holds a streamed response to its Content-Length: a longer or shorter body closes the connection', async () => {
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`
    // Pipelined behind it, /text must not be answered by the smuggled bytes.
    const long = await raw(server.port, [get('/stream-long') + get('/text')])
    expect(long).not.toContain('X-Injected')
    expect(long.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(long).toMatch(/content-length: 3\r\n/i)
    const short = await raw(server.port, [get('/stream-short') + get('/text')])
    expect(short.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(short).not.toContain('plain words')
    const exact = await raw(server.port, [
      `${get('/stream-exact')}GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ])
    expect(exact.match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
    expect(exact).toContain('\r\n\r\nabcHTTP/1.1 200 OK')
    await expect.poll(() => logged.join('\n')).toMatch(/declared Content-Length: 3 but its body was longer/)
    await expect
      .poll(() => logged.join('\n'))
      .toMatch(/declared Content-Length: 10 but its body was shorter \(2 bytes\)/)
  })

  it('answers HEAD with the headers of GET, Content-Length included, and no body', async () => {
    const get = await raw(server.port, ['GET /items/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    const head = await raw(server.port, ['HEAD /items/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    const length = /content-length: (\d+)/i.exec(get)![1]
    expect(head).toMatch(new RegExp(`content-length: ${length}\\r\\n`, 'i'))
    expect(head).toMatch(/content-type: application\/json/i)
    expect(head.endsWith('\r\n\r\n')).toBe(true)
  })

  it('leaves the framing to the server: no Transfer-Encoding from handlers, no length on 204 and 304', async () => {
    const framing = await raw(server.port, ['GET /framing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    expect(framing).not.toMatch(/transfer-encoding|keep-alive: x/i)
    expect(framing).toMatch(/content-length: 5\r\n/i)
    expect(framing.endsWith('\r\n\r\nhello')).toBe(true)
    const gone = await raw(server.port, ['DELETE /gone HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    expect(gone).toMatch(/^HTTP\/1\.1 204 /)
    expect(gone).not.toMatch(/content-length/i)
    const unchanged = await raw(server.port, [
      'GET /unchanged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ])
    expect(unchanged).toMatch(/^HTTP\/1\.1 304 /)
    expect(unchanged).toMatch(/etag: "v1"/i)
    expect(unchanged).not.toMatch(/content-length/i)
  })

  it('passes on a fetched response whose body fetch decompressed without its stale length and encoding', async () => {
    const text = 'a'.repeat(200)
    const upstream = createServer((_, res) => {
      const gz = gzipSync(text)
      res.writeHead(200, {
        'content-encoding': 'gzip',
        'content-length': gz.length,
        'content-type': 'text/plain',
      })
      res.end(gz)
    })
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
    try {
      const to = encodeURIComponent(`http://127.0.0.1:${(upstream.address() as { port: number }).port}/`)
      // Twice on one connection: the second answer is read only if the first was framed right.
      const get = `GET /proxy?to=${to} HTTP/1.1\r\nHost: x\r\n\r\n`
      const both = await raw(server.port, [get, 300, `${get.slice(0, -2)}Connection: close\r\n\r\n`])
      expect(both.match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
      expect(both).not.toMatch(/content-encoding/i)
      expect(both.split(text)).toHaveLength(3)
    } finally {
      upstream.close()
    }
  })

  it('writes the Host as a URL does, and answers 400 for one that is not a host', async () => {
    const upper = await raw(server.port, [
      'GET /echo HTTP/1.1\r\nHost: EXAMPLE.test:80\r\nConnection: close\r\n\r\n',
    ])
    expect(JSON.parse(upper.split('\r\n\r\n')[1]!).url).toBe('http://example.test/echo')
    const port = await raw(server.port, [
      'GET /echo HTTP/1.1\r\nHost: example.test:99999\r\nConnection: close\r\n\r\n',
    ])
    expect(port).toMatch(/^HTTP\/1\.1 400 /)
    const two = await raw(server.port, [
      'GET /echo HTTP/1.1\r\nHost: good.example\r\nHOST: evil.example\r\nConnection: close\r\n\r\n',
    ])
    expect(two).toMatch(/^HTTP\/1\.1 400 /)
    expect(two).toContain('Several Host headers')
  })

  it('keeps instanceof right for the runtime’s objects and for subclasses', () => {
    class Mine extends Response {}
    expect(Response.json({}) instanceof Response).toBe(true)
    expect(Response.json({}) instanceof Mine).toBe(false)
    expect(new Response('x') instanceof Mine).toBe(false)
    expect(new Mine('x') instanceof Mine).toBe(true)
    class MyRequest extends Request {}
    expect(new Request('http://x/') instanceof MyRequest).toBe(false)
    expect(new MyRequest('http://x/') instanceof Request).toBe(true)
  })

  it('refuses serving options that are not milliseconds before it starts anything', async () => {
    await expect(serve(new App(), { port: 0, pool: false, shutdownTimeout: -1 })).rejects.toThrow(
      /serve\(\): shutdownTimeout must be a number of milliseconds, 0 or more \(got -1\)/,
    )
    await expect(
      serve(new App(), { port: 0, pool: false, watchdog: { quietFor: Number.NaN } }),
    ).rejects.toThrow(/watchdog\.quietFor must be a number of milliseconds/)
  })

  it('aborts the request’s signal when the client goes away', async () => {
    expect(await leaveAfter(`${server.url}/slow`, 50)).toBe('aborted')
    await expect.poll(() => events).toContain('slow aborted')
  })
})
