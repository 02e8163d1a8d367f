import { describe, expect, it, vi } from 'vitest'
import {
  App,
  apiKeyCookie,
  apiKeyHeader,
  apiKeyQuery,
  depends,
  HTTPException,
  httpBasic,
  httpBearer,
  oauth2PasswordBearer,
} from './index.ts'

async function call(app: App, path: string, headers: Record<string, string> = {}) {
  const res = await app.request(path, { headers })
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() }
}

describe('security schemes', () => {
  it('httpBearer gives { scheme, credentials } or 401 with WWW-Authenticate: Bearer', async () => {
    const app = new App()
    app.get('/me', { deps: { auth: httpBearer() } }, ({ deps }) => deps.auth)
    expect(await call(app, '/me', { authorization: 'Bearer abc.def' })).toEqual({
      status: 200,
      challenge: null,
      body: { scheme: 'Bearer', credentials: 'abc.def' },
    })
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Basic xyz' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer   ' },
    ]) {
      expect(await call(app, '/me', headers)).toEqual({
        status: 401,
        challenge: 'Bearer',
        body: { detail: 'Not authenticated' },
      })
    }
  })

  it('httpBasic decodes username and password, or 401 with WWW-Authenticate: Basic', async () => {
    const app = new App()
    app.get('/admin', { deps: { user: httpBasic() } }, ({ deps }) => deps.user)
    const token = btoa('ann:s3cr:et')
    expect((await call(app, '/admin', { authorization: `Basic ${token}` })).body).toEqual({
      username: 'ann',
      password: 's3cr:et',
    })
    expect(await call(app, '/admin', { authorization: 'Basic !!!' })).toMatchObject({
      status: 401,
      challenge: 'Basic',
    })
    expect(await call(app, '/admin', { authorization: `Basic ${btoa('no-colon')}` })).toMatchObject({
      status: 401,
    })
    const realm = new App()
    realm.get('/a', { deps: { user: httpBasic({ realm: 'shop' }) } }, () => null)
    expect((await call(realm, '/a')).challenge).toBe('Basic realm="shop"')
  })

  it('API keys come from a header, the query or a cookie; missing → 401 APIKey', async () => {
    const app = new App()
    app.get('/h', { deps: { key: apiKeyHeader({ name: 'X-API-Key' }) } }, ({ deps }) => deps.key)
    app.get('/q', { deps: { key: apiKeyQuery({ name: 'api_key' }) } }, ({ deps }) => deps.key)
    app.get('/c', { deps: { key: apiKeyCookie({ name: 'session' }) } }, ({ deps }) => deps.key)
    expect((await call(app, '/h', { 'x-api-key': 'k1' })).body).toBe('k1')
    expect((await call(app, '/q?api_key=k2')).body).toBe('k2')
    expect((await call(app, '/c', { cookie: 'session=k3' })).body).toBe('k3')
    // A header name with underscores reads, and documents, the name with hyphens.
    const other = new App()
    other.get('/u', { deps: { key: apiKeyHeader({ name: 'x_key' }) } }, ({ deps }) => deps.key)
    expect((await call(other, '/u', { 'x-key': 'k4' })).body).toBe('k4')
    expect(other.openapi().components?.securitySchemes).toEqual({
      APIKeyHeader: { type: 'apiKey', in: 'header', name: 'x-key' },
    })
    // Two different schemes under one name: the document keeps one, and the log says so.
    const warn = vi.fn()
    const clash = new App({ logger: { error: vi.fn(), warn } })
    clash.get('/a', { deps: { key: apiKeyHeader({ name: 'x-a' }) } }, () => null)
    clash.get('/b', { deps: { key: apiKeyHeader({ name: 'x-b' }) } }, () => null)
    clash.get('/c', { deps: { key: apiKeyHeader({ name: 'x-c', schemeName: 'PartnerKey' }) } }, () => null)
    clash.openapi()
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(
      /two different security schemes are named "APIKeyHeader".*schemeName/,
    )
    for (const path of ['/h', '/q', '/c']) {
      expect(await call(app, path)).toEqual({
        status: 401,
        challenge: 'APIKey',
        body: { detail: 'Not authenticated' },
      })
    }
  })

  it('gives null instead of 401 with autoError: false', async () => {
    const app = new App()
    app.get(
      '/maybe',
      {
        deps: { auth: httpBearer({ autoError: false }), key: apiKeyHeader({ name: 'k', autoError: false }) },
      },
      ({ deps }) => ({
        auth: deps.auth,
        key: deps.key,
      }),
    )
    expect((await call(app, '/maybe')).body).toEqual({ auth: null, key: null })
  })

  it('oauth2PasswordBearer gives the token, with the scopes required down the chain', async () => {
    const oauth2 = oauth2PasswordBearer({
      tokenUrl: '/token',
      scopes: { 'items:read': 'Read items', admin: 'Admin' },
    })
    const currentUser = depends({ deps: { token: oauth2 } }, ({ deps, scopes }) => {
      const granted = deps.token === 'admin-token' ? ['items:read', 'admin'] : ['items:read']
      for (const scope of scopes) {
        if (!granted.includes(scope)) {
          throw new HTTPException(403, 'Not enough permissions', {
            headers: { 'www-authenticate': `Bearer scope="${scopes.join(' ')}"` },
          })
        }
      }
      return { token: deps.token, scopes }
    })
    const app = new App()
    app.get(
      '/items',
      { deps: { user: currentUser.with({ scopes: ['items:read'] }) } },
      ({ deps }) => deps.user,
    )
    app.get('/admin', { deps: { user: currentUser.with({ scopes: ['admin'] }) } }, ({ deps }) => deps.user)
    expect((await call(app, '/items', { authorization: 'Bearer user-token' })).body).toEqual({
      token: 'user-token',
      scopes: ['items:read'],
    })
    expect(await call(app, '/admin', { authorization: 'Bearer user-token' })).toMatchObject({
      status: 403,
      challenge: 'Bearer scope="admin"',
    })
    expect(await call(app, '/admin')).toMatchObject({ status: 401, challenge: 'Bearer' })
  })
})
