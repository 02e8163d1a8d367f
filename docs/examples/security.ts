// Security: the app docs/dependencies.md quotes in "Security".
import { timingSafeEqual } from 'node:crypto'
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
} from '@tandem/core'
import { z } from 'zod'

export const app = new App({ title: 'Secure shop' })

const users: Record<string, { password: string; scopes: string[] }> = {
  ann: { password: 'wonderland', scopes: ['orders:read', 'orders:write'] },
  bob: { password: 'builder', scopes: ['orders:read'] },
}
const sessions = new Map<string, { username: string; scopes: string[] }>()

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  return x.length === y.length && timingSafeEqual(x, y)
}

// OAuth2 password flow: the scheme reads `Authorization: Bearer <token>` and documents the scopes.
const oauth2 = oauth2PasswordBearer({
  tokenUrl: '/token',
  scopes: { 'orders:read': 'Read orders', 'orders:write': 'Place orders' },
})

// The token endpoint takes the password flow's form (what Swagger UI's Authorize button sends).
app.post(
  '/token',
  { form: { username: z.string(), password: z.string(), scope: z.string().default('') } },
  ({ form }) => {
    const user = users[form.username]
    if (!user || !same(user.password, form.password)) {
      throw new HTTPException(400, 'Incorrect username or password')
    }
    const scopes = form.scope.split(' ').filter((scope) => user.scopes.includes(scope))
    const token = crypto.randomUUID()
    sessions.set(token, { username: form.username, scopes })
    return { access_token: token, token_type: 'bearer' }
  },
)

// The user behind the token, checked against the scopes required along the chain (ctx.scopes).
const currentUser = depends({ deps: { token: oauth2 } }, ({ deps, scopes }) => {
  const session = sessions.get(deps.token)
  if (!session) {
    throw new HTTPException(401, 'Invalid token', { headers: { 'www-authenticate': 'Bearer' } })
  }
  for (const scope of scopes) {
    if (!session.scopes.includes(scope)) {
      throw new HTTPException(403, 'Not enough permissions', {
        headers: { 'www-authenticate': `Bearer scope="${scopes.join(' ')}"` },
      })
    }
  }
  return session
})

app.get('/me', { deps: { user: currentUser } }, ({ deps }) => deps.user)
app.get('/orders', { deps: { user: currentUser.with({ scopes: ['orders:read'] }) } }, ({ deps }) => ({
  orders: [],
  for: deps.user.username,
}))
app.post(
  '/orders',
  { deps: { user: currentUser.with({ scopes: ['orders:write'] }) }, status: 201 },
  ({ deps }) => ({ placedBy: deps.user.username }),
)

// HTTP Basic: { username, password }; realm goes into WWW-Authenticate.
const basic = httpBasic({ realm: 'kitchen' })
app.get('/kitchen', { deps: { credentials: basic } }, ({ deps }) => {
  const user = users[deps.credentials.username]
  if (!user || !same(user.password, deps.credentials.password)) {
    throw new HTTPException(401, 'Incorrect username or password', {
      headers: { 'www-authenticate': 'Basic realm="kitchen"' },
    })
  }
  return { cook: deps.credentials.username }
})

// HTTP Bearer: { scheme, credentials }.
app.post('/webhooks', { deps: { auth: httpBearer() } }, ({ deps }) => {
  if (!same(deps.auth.credentials, 'hook-secret')) throw new HTTPException(403, 'Unknown sender')
  return { accepted: true }
})

// API keys: the key as a string, from a header, the query or a cookie.
const headerKey = apiKeyHeader({ name: 'x-api-key' })
const queryKey = apiKeyQuery({ name: 'api_key' })
const cookieKey = apiKeyCookie({ name: 'session' })
app.get('/stats', { deps: { key: headerKey } }, ({ deps }) => ({ key: deps.key }))
app.get('/feed', { deps: { key: queryKey } }, ({ deps }) => ({ key: deps.key }))
app.get('/cart', { deps: { key: cookieKey } }, ({ deps }) => ({ key: deps.key }))

// autoError: false gives null instead of a 401, for routes that also serve anonymous users.
app.get('/greeting', { deps: { auth: httpBearer({ autoError: false }) } }, ({ deps }) => ({
  hello: deps.auth ? `token ${deps.auth.credentials}` : 'guest',
}))
