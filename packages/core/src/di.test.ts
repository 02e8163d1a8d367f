import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  App,
  blocking,
  Dependency,
  depends,
  HTTPException,
  Router,
  SwallowedError,
  TandemConfigError,
} from './index.ts'

const quiet = () => ({ error: vi.fn(), warn: vi.fn() })

describe('sub-dependencies', () => {
  it('resolves a tree mixing plain, async, generator and blocking functions', async () => {
    const base = depends(() => 2)
    const doubled = depends({ deps: { base } }, async ({ deps }) => deps.base * 2)
    const session = depends({ deps: { doubled } }, function* ({ deps }) {
      yield { factor: deps.doubled }
    })
    const heavy = depends(
      { deps: { session } },
      blocking(({ deps }: { deps: { session: { factor: number } } }) => deps.session.factor * 10),
    )
    const app = new App()
    app.get('/x', { deps: { heavy, base } }, ({ deps }) => deps)
    expect(await (await app.request('/x')).json()).toEqual({ heavy: 40, base: 2 })
  })

  it('computes a dependency once per request, unless cache is false', async () => {
    let calls = 0
    const counter = depends(() => ++calls)
    const a = depends({ deps: { counter } }, ({ deps }) => deps.counter)
    const b = depends({ deps: { counter } }, ({ deps }) => deps.counter)
    const app = new App()
    app.get('/cached', { deps: { a, b, counter } }, ({ deps }) => deps)
    app.get('/fresh', { deps: { a, again: counter.with({ cache: false }) } }, ({ deps }) => deps)
    expect(await (await app.request('/cached')).json()).toEqual({ a: 1, b: 1, counter: 1 })
    expect(calls).toBe(1)
    expect(await (await app.request('/fresh')).json()).toEqual({ a: 2, again: 3 })
    expect(await (await app.request('/cached')).json()).toEqual({ a: 4, b: 4, counter: 4 })
  })

  it('runs app, include, router, route dependencies, then deps, in that order', async () => {
    const order: string[] = []
    const mark = (name: string) => depends(() => void order.push(name))
    const app = new App({ dependencies: [mark('app')] })
    const router = new Router({ prefix: '/r', dependencies: [mark('router')] })
    router.get(
      '/x',
      { dependencies: [mark('route')], deps: { first: mark('deps1'), second: mark('deps2') } },
      () => {
        order.push('handler')
        return null
      },
    )
    app.include(router, { dependencies: [mark('include')] })
    await app.request('/r/x')
    expect(order).toEqual(['app', 'include', 'router', 'route', 'deps1', 'deps2', 'handler'])
  })

  it('types ctx.deps from the dependencies', () => {
    const user = depends(async () => ({ name: 'ann' }))
    const conn = depends(async function* () {
      yield { query: (sql: string) => sql.length }
    })
    new App().get('/x', { deps: { user, conn } }, ({ deps }) => {
      const name: string = deps.user.name
      const rows: number = deps.conn.query('select 1')
      return { name, rows }
    })
  })
})

describe('validation across dependencies', () => {
  it('accumulates the errors of every dependency and the route in one 422, dependencies first', async () => {
    let called = false
    const paging = depends({ query: { limit: z.number().int() } }, ({ query }) => query.limit)
    const auth = depends({ headers: { 'x-token': z.string() } }, ({ headers }) => headers['x-token'])
    const sibling = depends(() => {
      called = true
    })
    const app = new App()
    app.get('/items/:id', { params: { id: z.number() }, deps: { paging, auth, sibling } }, () => null)
    const res = await app.request('/items/abc?limit=x')
    expect(res.status).toBe(422)
    expect((await res.json()).detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['query', 'limit'],
      ['header', 'x-token'],
      ['path', 'id'],
    ])
    expect(called).toBe(true)
  })

  it('lets a dependency and its route validate the same body', async () => {
    const total = depends({ body: z.object({ items: z.array(z.number()) }) }, ({ body }) =>
      body.items.reduce((a, b) => a + b, 0),
    )
    const app = new App()
    app.post(
      '/sum',
      { body: z.object({ items: z.array(z.number()), note: z.string() }), deps: { total } },
      ({ body, deps }) => ({
        note: body.note,
        total: deps.total,
      }),
    )
    const ok = await app.request('/sum', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"items":[1,2],"note":"n"}',
    })
    expect(await ok.json()).toEqual({ note: 'n', total: 3 })
    const broken = await app.request('/sum', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    expect((await broken.json()).detail).toHaveLength(1)
  })

  it('answers an HTTPException from a dependency at once', async () => {
    let later = false
    const guard = depends(() => {
      throw new HTTPException(403, 'Forbidden here')
    })
    const after = depends(() => {
      later = true
    })
    const app = new App()
    app.get('/x', { deps: { guard, after } }, () => 'never')
    const res = await app.request('/x')
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: 'Forbidden here' })
    expect(later).toBe(false)
  })
})

describe('yield dependencies', () => {
  it('cleans up last-in first-out after the response and its background tasks', async () => {
    const events: string[] = []
    const outer = depends(async function* () {
      events.push('outer setup')
      yield 'outer'
      events.push('outer cleanup')
    })
    const inner = depends({ deps: { outer } }, function* () {
      events.push('inner setup')
      yield 'inner'
      events.push('inner cleanup')
    })
    const app = new App()
    app.get('/x', { deps: { inner } }, ({ background }) => {
      events.push('handler')
      background.add(() => void events.push('background 1'))
      background.add(async (n: number) => void events.push(`background ${n}`), 2)
      return 'ok'
    })
    const res = await app.request('/x')
    expect(events).toEqual(['outer setup', 'inner setup', 'handler'])
    await res.text()
    await app.settled()
    expect(events).toEqual([
      'outer setup',
      'inner setup',
      'handler',
      'background 1',
      'background 2',
      'inner cleanup',
      'outer cleanup',
    ])
  })

  it("runs scope 'function' cleanups before the response, where an error changes it", async () => {
    const events: string[] = []
    const tx = depends(function* () {
      yield 'tx'
      events.push('commit')
      throw new HTTPException(409, 'Commit failed')
    }).with({ scope: 'function' })
    const app = new App()
    app.post('/x', { deps: { tx } }, () => {
      events.push('handler')
      return { saved: true }
    })
    const res = await app.request('/x', { method: 'POST' })
    expect(events).toEqual(['handler', 'commit'])
    expect(res.status).toBe(409)
  })

  it('keeps request-scoped resources open while a response streams, until it ends or is cancelled', async () => {
    const events: string[] = []
    const conn = depends(async function* () {
      events.push('open')
      try {
        yield { rows: [1, 2, 3] }
      } finally {
        events.push('close')
      }
    })
    const app = new App()
    app.get('/rows', { deps: { conn } }, async function* ({ deps }) {
      for (const row of deps.conn.rows) {
        events.push(`row ${row}`)
        yield row
      }
    })
    const res = await app.request('/rows')
    const reader = res.body!.getReader()
    await reader.read()
    expect(events).not.toContain('close')
    await reader.cancel()
    await app.settled()
    expect(events.at(-1)).toBe('close')
    const full = await app.request('/rows')
    expect(await full.text()).toBe('1\n2\n3\n')
    await app.settled()
    expect(events.filter((e) => e === 'close')).toHaveLength(2)
  })

  it('throws the handler error into the generator, which may translate it', async () => {
    class NotFoundInDb extends Error {}
    const seen: unknown[] = []
    const db = depends(async function* () {
      try {
        yield 'db'
      } catch (error) {
        seen.push(error)
        if (error instanceof NotFoundInDb) throw new HTTPException(404, 'No such row')
        throw error
      }
    })
    const app = new App()
    app.get('/x', { deps: { db } }, () => {
      throw new NotFoundInDb('row 7')
    })
    const res = await app.request('/x')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'No such row' })
    expect(seen[0]).toBeInstanceOf(NotFoundInDb)
  })

  it('answers 500 and names the dependency when it swallows the error', async () => {
    const logger = quiet()
    const careless = depends(function* careless() {
      try {
        yield 1
      } catch {
        // swallowed
      }
    })
    const app = new App({ logger })
    app.get('/x', { deps: { careless } }, () => {
      throw new HTTPException(400, 'bad')
    })
    const res = await app.request('/x')
    expect(res.status).toBe(500)
    const logged = logger.error.mock.calls[0]?.[1]
    expect(logged).toBeInstanceOf(SwallowedError)
    expect((logged as Error).message).toContain('"careless"')
  })

  it('runs every cleanup even when one fails, logging it with the dependency name', async () => {
    const logger = quiet()
    const events: string[] = []
    const first = depends(function* first() {
      yield 1
      events.push('first cleanup')
    })
    const broken = depends({ deps: { first } }, function* broken() {
      yield 2
      throw new Error('cleanup exploded')
    })
    const app = new App({ logger })
    app.get('/x', { deps: { broken } }, () => 'ok')
    const res = await app.request('/x')
    expect(res.status).toBe(200)
    await res.text()
    await app.settled()
    expect(events).toEqual(['first cleanup'])
    expect(logger.error.mock.calls[0]?.[0]).toContain('"broken"')
  })

  it('refuses a background task added by a request-scoped cleanup, with a clear error', async () => {
    const logger = quiet()
    const late = depends(function* late({ background }) {
      yield 1
      background.add(() => {})
    })
    const app = new App({ logger })
    app.get('/x', { deps: { late } }, () => 'ok')
    await (await app.request('/x')).text()
    await app.settled()
    expect(String(logger.error.mock.calls[0]?.[1])).toMatch(/after its background tasks had started/)
  })

  it('refuses a request-scoped yield dependency on a function-scoped one, naming both', () => {
    const tx = depends(function* tx() {
      yield 1
    })
    expect(() =>
      depends({ deps: { tx: tx.with({ scope: 'function' }) } }, function* repo() {
        yield 2
      }),
    ).toThrow(TandemConfigError)
    expect(() =>
      depends({ deps: { tx: tx.with({ scope: 'function' }) } }, function* repo() {
        yield 2
      }),
    ).toThrow(/"repo" has scope "request", so it cannot depend on "tx"/)
    expect(() =>
      depends({ deps: { tx: tx.with({ scope: 'function' }) } }, function* repo() {
        yield 2
      }).with({ scope: 'function' }),
    ).toThrow()
  })
})

describe('overrides', () => {
  it('replaces a dependency at any depth, with its own inputs, keeping the cache key', async () => {
    let realCalls = 0
    const db = depends(() => {
      realCalls++
      return 'real'
    })
    const repo = depends({ deps: { db } }, ({ deps }) => `repo(${deps.db})`)
    const app = new App()
    app.get('/x', { deps: { repo, db } }, ({ deps }) => deps)
    app.dependencyOverrides.set(
      db,
      depends({ query: { name: z.string() } }, ({ query }) => `fake ${query.name}`),
    )
    expect(await (await app.request('/x?name=t')).json()).toEqual({ repo: 'repo(fake t)', db: 'fake t' })
    expect((await app.request('/x')).status).toBe(422)
    app.dependencyOverrides.set(db, () => 'plain')
    expect(await (await app.request('/x')).json()).toEqual({ repo: 'repo(plain)', db: 'plain' })
    app.dependencyOverrides.clear()
    expect(await (await app.request('/x')).json()).toEqual({ repo: 'repo(real)', db: 'real' })
    expect(realCalls).toBe(1)
  })

  it('overrides .with() variants too, which keep their use-site options', async () => {
    let n = 0
    const counter = depends(() => 0)
    const app = new App()
    app.get('/x', { deps: { a: counter, b: counter.with({ cache: false }) } }, ({ deps }) => deps)
    app.dependencyOverrides.set(counter, () => ++n)
    expect(await (await app.request('/x')).json()).toEqual({ a: 1, b: 2 })
  })
})

describe('scopes', () => {
  it('accumulates scopes parent first, de-duplicated, without leaking to siblings', async () => {
    const seen: Record<string, string[]> = {}
    const leaf = depends(({ scopes }) => {
      seen.leaf = scopes
    })
    const user = depends({ deps: { leaf: leaf.with({ scopes: ['me', 'read'] }) } }, ({ scopes }) => {
      seen.user = scopes
    })
    const sibling = depends(({ scopes }) => {
      seen.sibling = scopes
    })
    const app = new App()
    app.get('/x', { deps: { user: user.with({ scopes: ['read', 'write'] }), sibling } }, ({ scopes }) => {
      seen.route = scopes
      return null
    })
    await app.request('/x')
    expect(seen).toEqual({ leaf: ['read', 'write', 'me'], user: ['read', 'write'], sibling: [], route: [] })
  })

  it('caches by scopes only what reads them: a db under a scoped user is opened once', async () => {
    const events: string[] = []
    let opened = 0
    const db = depends(async function* db() {
      const n = ++opened
      events.push(`open ${n}`)
      yield n
      events.push(`close ${n}`)
    })
    let checks = 0
    const user = depends({ deps: { db } }, ({ deps, scopes }) => {
      checks++
      return { db: deps.db, scopes }
    })
    const app = new App()
    app.get(
      '/x',
      { deps: { reader: user.with({ scopes: ['read'] }), writer: user.with({ scopes: ['write'] }), db } },
      ({ deps }) => deps,
    )
    for (let round = 1; round <= 2; round++) {
      events.length = 0
      const res = await app.request('/x')
      const body = await res.json()
      await app.settled()
      // One connection for the request; the user, whose value depends on its scopes, once per set.
      expect(body.reader).toEqual({ db: round, scopes: ['read'] })
      expect(body.writer).toEqual({ db: round, scopes: ['write'] })
      expect(body.db).toBe(round)
      expect(events).toEqual([`open ${round}`, `close ${round}`])
    }
    expect(checks).toBe(4)
  })

  it('keys by scopes a dependency whose sub-dependency reads them', async () => {
    const calls: string[] = []
    const scopesOf = depends(({ scopes }) => scopes.join(','))
    const parent = depends({ deps: { s: scopesOf } }, ({ deps }) => {
      calls.push(deps.s)
      return deps.s
    })
    const app = new App()
    app.get(
      '/y',
      { deps: { a: parent.with({ scopes: ['a'] }), b: parent.with({ scopes: ['b'] }) } },
      ({ deps }) => deps,
    )
    expect(await (await app.request('/y')).json()).toEqual({ a: 'a', b: 'b' })
    expect(await (await app.request('/y')).json()).toEqual({ a: 'a', b: 'b' })
    expect(calls).toEqual(['a', 'b', 'a', 'b'])
  })
})

describe('dependency kinds', () => {
  it('gives a plain or async function’s generator object as its value, not as a yield dependency', async () => {
    async function* rows(n: number) {
      for (let i = 0; i < n; i++) yield { row: i }
    }
    const plain = depends(function plainRows() {
      return rows(3)
    })
    const later = depends(async function asyncRows() {
      return rows(2)
    })
    const logger = { error: vi.fn(), warn: vi.fn() }
    const app = new App({ logger })
    app.get('/plain', { deps: { plain } }, ({ deps }) => deps.plain)
    app.get('/async', { deps: { later } }, ({ deps }) => deps.later)
    const res = await app.request('/plain')
    expect(res.headers.get('content-type')).toMatch(/jsonl/)
    expect(await res.text()).toBe('{"row":0}\n{"row":1}\n{"row":2}\n')
    expect(await (await app.request('/async')).text()).toBe('{"row":0}\n{"row":1}\n')
    await app.settled()
    expect(logger.error).not.toHaveBeenCalled()
  })
})

describe('lifespan', () => {
  it('runs startup before the first request, gives ctx.state, tears down on close', async () => {
    const events: string[] = []
    const app = new App({
      lifespan: async function* () {
        events.push('startup')
        yield { db: 'connected' }
        events.push('teardown')
      },
    })
    app.get('/state', ({ state }) => state.db)
    expect(events).toEqual([])
    expect(await (await app.request('/state')).json()).toBe('connected')
    expect(events).toEqual(['startup'])
    await app.request('/state')
    expect(events).toEqual(['startup'])
    await app.close()
    expect(events).toEqual(['startup', 'teardown'])
  })

  it('is a Dependency instance underneath', () => {
    expect(depends(() => 1)).toBeInstanceOf(Dependency)
  })
})

describe('cancelled streams', () => {
  it('runs cleanups normally when the client cancels while an item is pending, or asks HEAD', async () => {
    const logger = quiet()
    const events: string[] = []
    const req = depends(async function* () {
      try {
        yield 'r'
        events.push('clean exit')
      } catch (error) {
        events.push(`error thrown in: ${String(error)}`)
        throw error
      }
    })
    const app = new App({ logger })
    app.get('/slow', { deps: { req } }, async function* ({ background }) {
      background.add(() => void events.push('background'))
      yield 1
      await new Promise((r) => setTimeout(r, 50))
      yield 2
    })
    const res = await app.request('/slow')
    const reader = res.body!.getReader()
    await reader.read()
    const pending = reader.read()
    await reader.cancel()
    await pending.catch(() => {})
    await new Promise((r) => setTimeout(r, 80))
    await app.settled()
    expect(events).toEqual(['background', 'clean exit'])
    events.length = 0
    const head = await app.request('/slow', { method: 'HEAD' })
    expect(head.status).toBe(200)
    await new Promise((r) => setTimeout(r, 80))
    await app.settled()
    expect(events).toEqual(['background', 'clean exit'])
    expect(logger.error).not.toHaveBeenCalled()
  })
})
