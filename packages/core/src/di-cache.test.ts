import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { securityDependency } from './di/dependency.ts'
import { App, blocking, type Dependency, depends, oauth2PasswordBearer } from './index.ts'

/**
 * The per-request cache with security scopes, FastAPI's rule (0.123+): a use is cached per set of the
 * chain's scopes when it, or a dependency below it, declares scopes (`.with({ scopes })`), is a security
 * scheme, or reads `ctx.scopes`; otherwise the callers' scopes do not split the cache. Each expected
 * value is what FastAPI 0.125.0's solver gives for the same tree (`Security(dep, scopes=[...])` for
 * `.with({ scopes })`, a `SecurityScopes` parameter for reading `ctx.scopes`, `use_cache=False` for
 * `cache: false`).
 */

const json = async (app: App, path = '/', init?: RequestInit) => {
  const res = await app.request(path, init)
  expect(res.status).toBe(200)
  return res.json()
}

/** A security scheme that counts its calls (Tandem's own schemes are made the same way). */
function countingScheme(calls: Record<string, number>) {
  return securityDependency(
    { headers: { authorization: z.string() } },
    ({ headers }: { headers: { authorization: string } }) => {
      calls.scheme = (calls.scheme ?? 0) + 1
      return headers.authorization
    },
    { name: 'Counting', scheme: { type: 'http', scheme: 'bearer' } },
  )
}

const bearer = { headers: { authorization: 'Bearer t' } }

describe('cache and scopes: the issue', () => {
  it('computes a dependency used plainly and .with({ scopes }) twice, once per set of scopes', async () => {
    let n = 0
    const counter = depends(() => ++n)
    const app = new App()
    const deps = {
      a: counter,
      b: counter.with({ scopes: ['s'] }),
      c: counter.with({ scopes: ['s'] }),
      d: counter,
      e: counter.with({ scopes: [] }),
      f: counter.with({ scopes: ['t', 's'] }),
      g: counter.with({ scopes: ['s', 't'] }),
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ a: 1, b: 2, c: 2, d: 1, e: 1, f: 3, g: 3 })
    expect(await json(app)).toEqual({ a: 4, b: 5, c: 5, d: 4, e: 4, f: 6, g: 6 })
  })

  it('does the same when the scoped use comes first', async () => {
    let n = 0
    const counter = depends(() => ++n)
    const app = new App()
    app.get('/', { deps: { b: counter.with({ scopes: ['s'] }), a: counter } }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ b: 1, a: 2 })
  })

  it('tells scopes apart that a joined string would not', async () => {
    const seen: string[][] = []
    const reader = depends(({ scopes }) => {
      seen.push(scopes)
      return seen.length
    })
    const app = new App()
    app.get(
      '/',
      { deps: { x: reader.with({ scopes: ['a b'] }), y: reader.with({ scopes: ['a', 'b'] }) } },
      ({ deps }) => deps,
    )
    expect(await json(app)).toEqual({ x: 1, y: 2 })
  })
})

describe('cache and scopes: security schemes', () => {
  it('calls a scheme, and what depends on it, once per set of scopes above it', async () => {
    const calls: Record<string, number> = {}
    const scheme = countingScheme(calls)
    let users = 0
    // Neither declares scopes nor reads them: the scheme below is enough.
    const user = depends({ deps: { token: scheme } }, () => `user${++users}`)
    const app = new App()
    const deps = {
      u1: user.with({ scopes: ['a'] }),
      u2: user.with({ scopes: ['b'] }),
      u3: user.with({ scopes: ['a'] }),
      plain: user,
      tok: scheme,
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app, '/', bearer)).toEqual({
      u1: 'user1',
      u2: 'user2',
      u3: 'user1',
      plain: 'user3',
      tok: 'Bearer t',
    })
    expect(calls.scheme).toBe(3)
    expect(users).toBe(3)
  })

  it('calls a scheme used plainly twice once, and .with({ scopes }) apart', async () => {
    const calls: Record<string, number> = {}
    const scheme = countingScheme(calls)
    const app = new App()
    app.get('/', { deps: { t1: scheme, t2: scheme, t3: scheme.with({ scopes: ['a'] }) } }, ({ deps }) => deps)
    await json(app, '/', bearer)
    expect(calls.scheme).toBe(2)
  })

  it('keys by scopes a dependency with a scheme three levels down', async () => {
    const calls: Record<string, number> = {}
    const scheme = countingScheme(calls)
    const level3 = depends({ deps: { t: scheme } }, ({ deps }) => deps.t)
    let n = 0
    const level2 = depends({ deps: { x: level3 } }, () => ++n)
    const host = depends({ deps: { x: level2 } }, ({ deps }) => deps.x)
    const app = new App()
    const deps = { a: level2, b: host.with({ scopes: ['a'] }), c: level2, d: host.with({ scopes: ['b'] }) }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app, '/', bearer)).toEqual({ a: 1, b: 2, c: 1, d: 3 })
    expect(calls.scheme).toBe(3)
  })

  it('keys oauth2PasswordBearer and its user by the scopes each route requires', async () => {
    const oauth2 = oauth2PasswordBearer({ tokenUrl: '/token', scopes: { read: 'Read', write: 'Write' } })
    const checked: string[] = []
    const currentUser = depends({ deps: { token: oauth2 } }, ({ deps, scopes }) => {
      checked.push(scopes.join(' '))
      return { token: deps.token, scopes }
    })
    const app = new App()
    app.get(
      '/',
      { deps: { r: currentUser.with({ scopes: ['read'] }), w: currentUser.with({ scopes: ['write'] }) } },
      ({ deps }) => deps,
    )
    expect(await json(app, '/', bearer)).toEqual({
      r: { token: 't', scopes: ['read'] },
      w: { token: 't', scopes: ['write'] },
    })
    expect(checked).toEqual(['read', 'write'])
  })
})

describe('cache and scopes: sub-dependencies', () => {
  it("gives FastAPI's own answer when a sub-dependency declares scopes (its test_security_scopes_sub_dependency)", async () => {
    const counts = { db: 0, currentUser: 0, userMe: 0, userItems: 0 }
    const db = depends(() => `db${++counts.db}`)
    const currentUser = depends({ deps: { db } }, ({ deps, scopes }) => ({
      user: ++counts.currentUser,
      scopes,
      db: deps.db,
    }))
    const userMe = depends({ deps: { cu: currentUser.with({ scopes: ['me'] }) } }, ({ deps }) => ({
      me: ++counts.userMe,
      cu: deps.cu,
    }))
    const userItems = depends({ deps: { me: userMe } }, ({ deps }) => ({
      items: ++counts.userItems,
      me: deps.me,
    }))
    const app = new App()
    app.get('/', { deps: { me: userMe, items: userItems.with({ scopes: ['items'] }) } }, ({ deps }) => deps)
    expect(await json(app)).toEqual({
      me: { me: 1, cu: { user: 1, scopes: ['me'], db: 'db1' } },
      items: { items: 1, me: { me: 2, cu: { user: 2, scopes: ['items', 'me'], db: 'db1' } } },
    })
    expect(counts).toEqual({ db: 1, currentUser: 2, userMe: 2, userItems: 1 })
  })

  it('splits a dependency whose only scoped part is a sub-dependency’s .with({ scopes })', async () => {
    let marks = 0
    let hosts = 0
    const marked = depends(() => ++marks)
    const host = depends({ deps: { m: marked.with({ scopes: ['x'] }) } }, ({ deps }) => [++hosts, deps.m])
    const wrapper = depends({ deps: { h: host } }, ({ deps }) => deps.h)
    const app = new App()
    const deps = { a: host, b: host, c: wrapper.with({ scopes: ['x'] }), d: wrapper.with({ scopes: ['y'] }) }
    app.get('/', { deps }, ({ deps }) => deps)
    // c: the chain is ['x'] for host and for marked (['x'] again, de-duplicated): marked is a hit.
    expect(await json(app)).toEqual({ a: [1, 1], b: [1, 1], c: [2, 1], d: [3, 2] })
  })

  it('splits a dependency whose sub-dependency reads ctx.scopes', async () => {
    let parents = 0
    const scopesOf = depends(({ scopes }) => scopes.join(','))
    const parent = depends({ deps: { s: scopesOf } }, ({ deps }) => `${deps.s}#${++parents}`)
    const wrapper = depends({ deps: { p: parent } }, ({ deps }) => deps.p)
    const app = new App()
    const deps = {
      a: parent.with({ scopes: ['a'] }),
      b: parent.with({ scopes: ['b'] }),
      c: parent,
      d: parent,
      w: wrapper.with({ scopes: ['a'] }),
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ a: 'a#1', b: 'b#2', c: '#3', d: '#3', w: 'a#1' })
  })

  it('splits on the first request a dependency first called with no scopes', async () => {
    // Before, a dependency that read ctx.scopes was only noticed when called with some.
    let calls = 0
    const reader = depends(({ scopes }) => `${scopes.join(',')}#${++calls}`)
    const wrapper = depends({ deps: { r: reader } }, ({ deps }) => deps.r)
    const app = new App()
    app.get('/', { deps: { plain: reader, under: wrapper.with({ scopes: ['a'] }) } }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ plain: '#1', under: 'a#2' })
  })

  it('notices a read through a helper given ctx on its first call, then keys what sits above it', async () => {
    // The function's source does not name scopes: the read is seen on its first call. The scoped use
    // comes first, so `parent` was looked up before that, and is stored under its scoped key after.
    const helper = (ctx: { scopes: string[] }) => ctx.scopes.join(',')
    let calls = 0
    const viaHelper = depends((ctx) => `${helper(ctx)}#${++calls}`)
    const parent = depends({ deps: { v: viaHelper } }, ({ deps }) => deps.v)
    const wrapper = depends({ deps: { p: parent } }, ({ deps }) => deps.p)
    const app = new App()
    app.get('/', { deps: { w: wrapper.with({ scopes: ['a'] }), c: parent } }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ w: 'a#1', c: '#2' })
    expect(await json(app)).toEqual({ w: 'a#3', c: '#4' })
  })

  it('knows before any call a function whose source reads ctx.scopes only on some requests', async () => {
    // A SecurityScopes parameter in FastAPI is declared whether or not it is used on a given call.
    let calls = 0
    const maybe = depends((ctx) => {
      calls++
      return ctx.request.headers.has('x-check') ? ctx.scopes.join(',') : 'unchecked'
    })
    const wrapper = depends({ deps: { m: maybe } }, ({ deps }) => deps.m)
    const app = new App()
    app.get('/', { deps: { plain: maybe, under: wrapper.with({ scopes: ['a'] }) } }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ plain: 'unchecked', under: 'unchecked' })
    expect(calls).toBe(2)
  })

  it('keeps one value for a use with its own scope and one inheriting the same scope', async () => {
    let n = 0
    const counter = depends(() => ++n)
    const holder = depends({ deps: { x: counter.with({ scopes: ['s'] }), y: counter } }, ({ deps }) => deps)
    const app = new App()
    app.get('/', { deps: { h: holder.with({ scopes: ['s'] }) } }, ({ deps }) => deps.h)
    // Same chain ['s'], but only x uses scopes: keys ['s'] and none.
    expect(await json(app)).toEqual({ x: 1, y: 2 })
  })
})

describe('cache and scopes: yield dependencies', () => {
  function connection(events: string[]) {
    let opened = 0
    return depends(async function* db() {
      const n = ++opened
      events.push(`open ${n}`)
      yield n
      events.push(`close ${n}`)
    })
  }

  it('opens a yield db below scoped users once per request', async () => {
    const events: string[] = []
    const db = connection(events)
    let users = 0
    const user = depends({ deps: { db } }, ({ deps, scopes }) => ({ db: deps.db, scopes, n: ++users }))
    const app = new App()
    const deps = { reader: user.with({ scopes: ['read'] }), writer: user.with({ scopes: ['write'] }), db }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({
      reader: { db: 1, scopes: ['read'], n: 1 },
      writer: { db: 1, scopes: ['write'], n: 2 },
      db: 1,
    })
    await app.settled()
    expect(events).toEqual(['open 1', 'close 1'])
  })

  it('opens a blocking yield db below a user behind oauth2 once per request', async () => {
    const events: string[] = []
    const db = depends(
      blocking(function* blockingDb() {
        events.push('open')
        yield 'conn'
        events.push('close')
      }),
    )
    const oauth2 = oauth2PasswordBearer({ tokenUrl: '/token' })
    const user = depends({ deps: { token: oauth2, db } }, ({ deps, scopes }) => `${deps.db}:${scopes}`)
    const app = new App()
    app.get(
      '/',
      { deps: { r: user.with({ scopes: ['read'] }), w: user.with({ scopes: ['write'] }) } },
      ({ deps }) => deps,
    )
    expect(await json(app, '/', bearer)).toEqual({ r: 'conn:read', w: 'conn:write' })
    await app.settled()
    expect(events).toEqual(['open', 'close'])
  })

  it('enters a yield dependency that reads scopes once per set, cleaning up last in, first out', async () => {
    const events: string[] = []
    let n = 0
    const scoped = depends(async function* scoped({ scopes }) {
      const i = ++n
      events.push(`enter ${i} [${scopes}]`)
      yield i
      events.push(`exit ${i}`)
    })
    const app = new App()
    const deps = {
      a: scoped.with({ scopes: ['a'] }),
      b: scoped.with({ scopes: ['b'] }),
      c: scoped,
      d: scoped.with({ scopes: ['a'] }),
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ a: 1, b: 2, c: 3, d: 1 })
    await app.settled()
    expect(events).toEqual(['enter 1 [a]', 'enter 2 [b]', 'enter 3 []', 'exit 3', 'exit 2', 'exit 1'])
  })

  it('keeps the cleanup scope in the key beside the scopes', async () => {
    const events: string[] = []
    let n = 0
    const scoped = depends(function* scoped({ scopes }) {
      const i = ++n
      events.push(`enter ${i} [${scopes}]`)
      yield i
      events.push(`exit ${i}`)
    })
    const plain = depends(function* plain() {
      yield ++n
    })
    const app = new App()
    const deps = {
      a: scoped.with({ scopes: ['a'] }),
      b: scoped.with({ scopes: ['a'], scope: 'function' }),
      p1: plain,
      p2: plain.with({ scope: 'request' }),
      p3: plain.with({ scope: 'function' }),
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ a: 1, b: 2, p1: 3, p2: 3, p3: 4 })
    await app.settled()
    expect(events).toEqual(['enter 1 [a]', 'enter 2 [a]', 'exit 2', 'exit 1'])
  })
})

describe('cache and scopes: overrides', () => {
  it("keys an override by the original's tree: a plain fake for a user behind a scheme is split", async () => {
    const calls: Record<string, number> = {}
    const scheme = countingScheme(calls)
    const user = depends({ deps: { token: scheme } }, () => 'real')
    let fakes = 0
    const app = new App()
    const deps = {
      r: user.with({ scopes: ['read'] }),
      w: user.with({ scopes: ['write'] }),
      p1: user,
      p2: user,
    }
    app.get('/', { deps }, ({ deps }) => deps)
    app.dependencyOverrides.set(user, () => `fake${++fakes}`)
    expect(await json(app)).toEqual({ r: 'fake1', w: 'fake2', p1: 'fake3', p2: 'fake3' })
    expect(calls.scheme).toBeUndefined()
  })

  it("does not split an override that reads scopes when the original's tree does not use them", async () => {
    const settings = depends(() => 'real')
    const needsSettings = depends({ deps: { st: settings } }, ({ deps }) => deps.st)
    let fakes = 0
    const app = new App()
    app.get(
      '/st-first',
      { deps: { st: settings, p: needsSettings.with({ scopes: ['p'] }) } },
      ({ deps }) => deps,
    )
    app.get(
      '/p-first',
      { deps: { p: needsSettings.with({ scopes: ['p'] }), st: settings } },
      ({ deps }) => deps,
    )
    app.dependencyOverrides.set(
      settings,
      depends(({ scopes }) => `[${scopes}]#${++fakes}`),
    )
    expect(await json(app, '/st-first')).toEqual({ st: '[]#1', p: '[]#1' })
    expect(await json(app, '/p-first')).toEqual({ p: '[p]#2', st: '[p]#2' })
  })

  it('keys by scopes an override of the scheme itself, and of an original that reads them', async () => {
    const calls: Record<string, number> = {}
    const scheme = countingScheme(calls)
    let users = 0
    const user = depends({ deps: { token: scheme } }, ({ deps }) => `${deps.token}/${++users}`)
    // The original reads ctx.scopes and is never called: its source tells.
    const reader: Dependency<string> = depends(({ scopes }) => scopes.join(','))
    const readerHost = depends({ deps: { r: reader } }, ({ deps }) => deps.r)
    let tokens = 0
    let reads = 0
    const app = new App()
    const deps = {
      u1: user.with({ scopes: ['a'] }),
      u2: user.with({ scopes: ['b'] }),
      u3: user,
      r1: reader,
      r2: readerHost.with({ scopes: ['a'] }),
      r3: readerHost.with({ scopes: ['b'] }),
      r4: reader,
    }
    app.get('/', { deps }, ({ deps }) => deps)
    app.dependencyOverrides.set(scheme, () => `tok${++tokens}`)
    app.dependencyOverrides.set(reader, () => `read${++reads}`)
    expect(await json(app)).toEqual({
      u1: 'tok1/1',
      u2: 'tok2/2',
      u3: 'tok3/3',
      r1: 'read1',
      r2: 'read2',
      r3: 'read3',
      r4: 'read1',
    })
    expect(calls.scheme).toBeUndefined()
  })

  it('gives an override the chain’s scopes, and opens an overridden yield db once', async () => {
    const events: string[] = []
    const db = depends(function* db() {
      events.push('real open')
      yield 'real'
    })
    const user = depends({ deps: { db } }, ({ deps, scopes }) => ({ db: deps.db, scopes }))
    const app = new App()
    app.get(
      '/',
      { deps: { r: user.with({ scopes: ['foo', 'bar'] }), w: user.with({ scopes: ['write'] }), db } },
      ({ deps }) => deps,
    )
    app.dependencyOverrides.set(
      db,
      depends(function* fakeDb() {
        events.push('fake open')
        yield 'fake'
        events.push('fake close')
      }),
    )
    expect(await json(app)).toEqual({
      r: { db: 'fake', scopes: ['foo', 'bar'] },
      w: { db: 'fake', scopes: ['write'] },
      db: 'fake',
    })
    app.dependencyOverrides.set(
      user,
      depends(({ scopes }) => ({ db: 'none', scopes })),
    )
    expect((await json(app)).r).toEqual({ db: 'none', scopes: ['foo', 'bar'] })
    await app.settled()
    expect(events).toEqual(['fake open', 'fake close', 'fake open', 'fake close'])
  })
})

describe('cache and scopes: cache: false', () => {
  it('recomputes an uncached use, keeping its value for later cached uses of the same key', async () => {
    let n = 0
    const counter = depends(() => ++n)
    const app = new App()
    const deps = {
      a: counter.with({ scopes: ['s'], cache: false }),
      b: counter.with({ scopes: ['s'], cache: false }),
      c: counter.with({ scopes: ['s'] }),
      d: counter,
      e: counter.with({ cache: false }),
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ a: 1, b: 2, c: 1, d: 3, e: 4 })
  })

  it('keeps the first value under a key when an uncached use comes after it', async () => {
    let n = 0
    const counter = depends(() => ++n)
    const app = new App()
    const deps = {
      d: counter,
      a: counter.with({ scopes: ['s'], cache: false }),
      c: counter.with({ scopes: ['s'] }),
    }
    app.get('/', { deps }, ({ deps }) => deps)
    expect(await json(app)).toEqual({ d: 1, a: 2, c: 2 })
  })
})
