import { join } from 'node:path'
import { type RuntimeProcess, startProcess, startWorkerd } from '@tandem/runtimes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const src = join(import.meta.dirname, '..', 'src')
const servers: Record<string, RuntimeProcess> = {}

beforeAll(async () => {
  const [node, bun, workerd] = await Promise.all([
    startProcess('node', join(src, 'node.ts')),
    startProcess('bun', join(src, 'bun.ts')),
    startWorkerd(join(src, 'workerd.ts')),
  ])
  Object.assign(servers, { node, bun, workerd })
})
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()))
})

const KEPT_HEADERS = ['content-type', 'allow', 'www-authenticate', 'location', 'x-custom', 'retry-after']

interface Answer {
  status: number
  headers: Record<string, string>
  cookies: string[]
  body: unknown
}

async function ask(server: RuntimeProcess, path: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(server.url + path, { redirect: 'manual', ...init })
  const headers: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const value = res.headers.get(name)
    if (value !== null) headers[name] = value.replace(server.url, 'http://HOST')
  }
  const text = await res.text()
  let body: unknown = text
  if (headers['content-type'] === 'application/json') body = JSON.parse(text)
  return { status: res.status, headers, cookies: res.headers.getSetCookie(), body }
}

/** Asks every runtime the same question; they must answer the same. Returns the (shared) answer. */
async function same(path: string, init?: () => RequestInit): Promise<Answer> {
  const answers = await Promise.all(
    Object.entries(servers).map(async ([name, server]) => [name, await ask(server, path, init?.())] as const),
  )
  const [, first] = answers[0]!
  for (const [name, answer] of answers.slice(1))
    expect(answer, `${name} answers ${path} like node`).toEqual(first)
  return first
}

const json =
  (body: unknown, headers: Record<string, string> = {}) =>
  () => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

describe('one app, three runtimes, the same answers', () => {
  it('coerces path, query and header inputs', async () => {
    const answer = await same('/items/5?q=a&q=b&flag=YES&when=2026-11-22', () => ({
      headers: { 'x-trace': 't1' },
    }))
    expect(answer).toMatchObject({
      status: 200,
      body: { id: 5, q: ['a', 'b'], flag: true, when: '2026-11-22T00:00:00.000Z', trace: 't1' },
    })
  })

  it('answers invalid input with one FastAPI-shaped 422', async () => {
    const answer = await same('/items/abc?flag=maybe')
    expect(answer.status).toBe(422)
    expect((answer.body as { detail: { type: string }[] }).detail.map((d) => d.type)).toEqual([
      'int_parsing',
      'bool_parsing',
    ])
  })

  it('validates JSON bodies and filters the response model', async () => {
    const created = await same('/items/', json({ name: 'fries', price: 2.5, kind: 'fries' }))
    expect(created).toMatchObject({ status: 201, body: { id: 1, name: 'fries', price: 2.5, kind: 'fries' } })
    const invalid = await same('/items/', json({ name: 'x', price: -1, kind: 'soup', tags: [1] }))
    expect(invalid.status).toBe(422)
    expect((invalid.body as { detail: { type: string }[] }).detail.map((d) => d.type)).toEqual([
      'string_too_short',
      'greater_than_equal',
      'string_type',
      'enum',
    ])
    expect((await same('/items/', json('{"name": '))).body).toMatchObject({
      detail: [{ type: 'json_invalid', loc: ['body', 9] }],
    })
    expect((await same('/items/', () => ({ method: 'POST', body: 'name=x' }))).body).toMatchObject({
      detail: [{ type: 'model_attributes_type', loc: ['body'] }],
    })
    expect((await same('/items/', json('{"__proto__": {"admin": true}}'))).status).toBe(422)
  })

  it('answers 404, 405 with Allow, and 307 slash redirects as FastAPI', async () => {
    expect(await same('/nowhere')).toMatchObject({ status: 404, body: { detail: 'Not Found' } })
    expect(await same('/items/5', () => ({ method: 'DELETE' }))).toMatchObject({
      status: 405,
      headers: { allow: 'GET, HEAD' },
      body: { detail: 'Method Not Allowed' },
    })
    expect(await same('/items?skip=1')).toMatchObject({
      status: 307,
      headers: { location: 'http://HOST/items/?skip=1' },
    })
  })

  it('solves dependencies with the per-request cache', async () => {
    const first = await same('/items/?limit=5')
    const page = (first.body as { page: { limit: number; skip: number; count: number }; again: number }).page
    expect(page).toMatchObject({ limit: 5, skip: 0 })
    expect((first.body as { again: number }).again).toBe(page.count)
  })

  it('runs background tasks, then cleanups, after the response', async () => {
    expect((await same('/session')).body).toEqual({ user: 'ann' })
    for (const server of Object.values(servers)) {
      await expect
        .poll(async () => ((await ask(server, '/log')).body as string[]).slice(-3))
        .toEqual(['session:open', 'background', 'session:close'])
    }
  })

  it('answers security and HTTPExceptions from dependencies', async () => {
    expect(await same('/guarded')).toMatchObject({ status: 401, headers: { 'www-authenticate': 'APIKey' } })
    expect(await same('/guarded', () => ({ headers: { 'x-api-key': 'wrong' } }))).toMatchObject({
      status: 403,
      body: { detail: 'Invalid API key' },
    })
    expect(await same('/guarded', () => ({ headers: { 'x-api-key': 'secret' } }))).toMatchObject({
      status: 200,
    })
    expect(await same('/me')).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } })
    expect((await same('/me', () => ({ headers: { authorization: 'Bearer t0k' } }))).body).toEqual({
      scheme: 'Bearer',
      credentials: 't0k',
    })
  })

  it('streams JSON Lines and Server-Sent Events', async () => {
    expect(await same('/stream')).toMatchObject({
      headers: { 'content-type': 'application/jsonl' },
      body: '{"i":0}\n{"i":1}\n{"i":2}\n',
    })
    expect((await same('/events')).body).toBe('event: greeting\ndata: hello\n\ndata: {"n":1}\n\n')
  })

  it('runs blocking handlers, dependencies and utilities (a pool on Node and Bun, inline on workerd)', async () => {
    expect((await same('/fib/20')).body).toEqual({ fib: 6765 })
    expect((await same('/checksum/burger')).body).toEqual({ checksum: expect.stringMatching(/^[0-9a-f]+$/) })
    expect(await same('/teapot')).toMatchObject({
      status: 418,
      body: { detail: 'a teapot, from a blocking handler' },
    })
  })

  it('merges the response state, sends 204 without a body, and hides errors behind a plain 500', async () => {
    expect(await same('/status')).toMatchObject({
      status: 202,
      headers: { 'x-custom': 'yes' },
      cookies: ['theme=dark; Path=/'],
      body: { accepted: true },
    })
    expect(await same('/nothing', () => ({ method: 'DELETE' }))).toMatchObject({ status: 204, body: '' })
    expect(await same('/boom')).toMatchObject({ status: 500, body: 'Internal Server Error' })
  })

  it('parses forms', async () => {
    const answer = await same('/form', () => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=fries&qty=2',
    }))
    expect(answer.body).toEqual({ name: 'fries', qty: 2 })
  })

  it('serves the same OpenAPI document and docs pages', async () => {
    const document = await same('/openapi.json')
    expect(Object.keys((document.body as { paths: object }).paths)).toContain('/items/{id}')
    expect((await same('/docs')).status).toBe(200)
  })
})
