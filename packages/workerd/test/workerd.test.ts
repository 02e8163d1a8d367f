import { readdirSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { type RuntimeProcess, startWorkerd } from '@tandem/runtimes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** GETs `url`, and once the first chunk of the body has come, drops the connection (a client leaving). */
function leaveMidStream(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      res.on('error', () => {})
      res.once('data', (chunk) => {
        req.destroy()
        resolve(String(chunk))
      })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('@tandem/core and @tandem/workerd under the real workerd binary', () => {
  let server: RuntimeProcess
  beforeAll(async () => {
    server = await startWorkerd(join(import.meta.dirname, 'fixtures', 'app-with-docs-assets.ts'), {
      bindings: { GREETING: 'hello from env' },
    })
  }, 60_000)
  afterAll(() => server?.stop())

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(server.url + path, init)
    const text = await res.text()
    return { status: res.status, type: res.headers.get('content-type'), text, json: () => JSON.parse(text) }
  }

  it('loads core (no code generation, timers or randomness at global scope) and serves `export default app`', async () => {
    const res = await get('/runtime')
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ workerd: true, ua: 'Cloudflare-Workers' })
  })

  it('validates and coerces inputs with FastAPI-shaped errors', async () => {
    expect((await get('/items/7?q=a&q=b')).json()).toEqual({ id: 7, q: ['a', 'b'] })
    const bad = await get('/items/x')
    expect(bad.status).toBe(422)
    expect(bad.json().detail[0]).toMatchObject({ type: 'int_parsing', loc: ['path', 'id'] })
    const created = await get('/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"fries","price":2.5}',
    })
    expect(created.status).toBe(201)
    expect((await get('/teapot')).json()).toEqual({ detail: "I'm a teapot" })
  })

  it('reaches env bindings, and names a missing one', async () => {
    expect((await get('/greeting')).json()).toEqual({ greeting: 'hello from env' })
    expect((await get('/missing-binding')).status).toBe(500)
    expect(server.output()).toMatch(/The Worker binding "NOPE" is missing from env/)
  })

  it('runs startup, then background tasks and cleanups after the response through waitUntil', async () => {
    expect((await get('/cleanup')).text).toBe('"ok"')
    await expect
      .poll(async () => (await get('/events')).json())
      .toEqual(expect.arrayContaining(['startup', 'open', 'background', 'close']))
    const events = (await get('/events')).json() as string[]
    expect(events.indexOf('background')).toBeLessThan(events.indexOf('close'))
    await get('/wait')
    await expect.poll(async () => (await get('/events')).json()).toContain('waited')
  })

  it('runs blocking functions inline, saying so once', async () => {
    expect((await get('/digest/abc')).json()).toEqual({ digest: expect.stringMatching(/^[0-9a-f]+$/) })
    expect((await get('/blocking-handler')).json()).toEqual({ inline: true })
    await get('/digest/def')
    expect(server.output().match(/blocking functions run inline on this runtime/g)).toHaveLength(1)
  })

  it('streams JSON Lines and Server-Sent Events', async () => {
    const lines = await get('/stream')
    expect(lines.type).toBe('application/jsonl')
    expect(lines.text).toBe('{"n":1}\n{"n":2}\n')
    expect((await get('/sse')).text).toBe('event: hi\ndata: there\n\n')
  })

  it('aborts ctx.signal when the client disconnects mid-stream (enable_request_signal)', async () => {
    // An event stream whose handler waits on ctx.signal; the client leaves after the first event.
    expect(await leaveMidStream(`${server.url}/until-aborted/a`)).toMatch(/^event: waiting\ndata: a\n\n/)
    // A second request to the same isolate sees what the first one's handler recorded.
    await expect.poll(async () => (await get('/events')).json()).toContain('aborted a')
    await expect
      .poll(() => server.output())
      .toMatch(/ctx\.signal of a aborted \(AbortError: The client has disconnected\)/)
  })

  it("serves the OpenAPI document and the docs pages with their assets (the Worker imports '@tandem/core/docs-assets')", async () => {
    const document = (await get('/openapi.json')).json()
    expect(Object.keys(document.paths)).toContain('/items/{id}')
    expect((await get('/docs')).text).toContain('/docs/assets/swagger-ui-bundle.js')
    const bundle = await get('/docs/assets/swagger-ui-bundle.js')
    expect(bundle.status).toBe(200)
    expect(bundle.text.length).toBeGreaterThan(100_000)
    expect(server.output()).not.toMatch(/load Swagger UI and Redoc from jsDelivr/)
  })
})

describe('without enable_request_signal', () => {
  let server: RuntimeProcess
  beforeAll(async () => {
    server = await startWorkerd(join(import.meta.dirname, 'fixtures', 'app.ts'), { requestSignal: false })
  }, 60_000)
  afterAll(() => server?.stop())

  it('never aborts ctx.signal when the client disconnects', async () => {
    expect(await leaveMidStream(`${server.url}/until-aborted/b`)).toMatch(/^event: waiting\ndata: b\n\n/)
    // With the flag the abort is recorded within milliseconds; give it far longer here.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const events = (await (await fetch(`${server.url}/events`)).json()) as string[]
    expect(events).toContain('waiting b')
    expect(events).not.toContain('aborted b')
    expect(server.output()).not.toMatch(/ctx\.signal of b aborted/)
  })

  it('serves docs pages that load Swagger UI and Redoc from jsDelivr when the bundle has no docs assets, saying so once', async () => {
    const docs = await (await fetch(`${server.url}/docs`)).text()
    expect(docs).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist@')
    expect(await (await fetch(`${server.url}/redoc`)).text()).toContain('https://cdn.jsdelivr.net/npm/redoc@')
    expect((await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(404)
    await expect
      .poll(() => server.output())
      .toMatch(/import '@tandem\/core\/docs-assets' in the entry module/)
    expect(server.output().match(/load Swagger UI and Redoc from jsDelivr/g)).toHaveLength(1)
  })
})

describe('the published code of @tandem/core', () => {
  it('generates no code at run time (no eval, no new Function): workerd forbids it', () => {
    const dist = join(import.meta.dirname, '..', 'node_modules', '@tandem', 'core', 'dist')
    // docs-assets.js holds Swagger UI's and Redoc's own bundles as text, served to browsers, never run here.
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'docs-assets.js')) {
      const code = readFileSync(join(dist, file), 'utf8')
      expect(code, file).not.toMatch(/\beval\s*\(|new Function\s*\(/)
    }
  })
})
