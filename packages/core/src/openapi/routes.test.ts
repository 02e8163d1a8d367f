import type { Context } from 'hono'
import { describe, expect, it, vi } from 'vitest'

// A bundle without @tandem/core/docs-assets (a Worker that does not import it): nothing to load.
vi.mock('./assets.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./assets.ts')>()),
  docsAssetFiles: async () => undefined,
  docsAssetsImportError: () => 'No such module "@tandem/core/docs-assets"',
  loadDocsAsset: async () => undefined,
}))

const { mountDocs } = await import('./routes.ts')

/** The docs routes `mountDocs` adds, by path, and what it logged. */
function mounted(options: Parameters<typeof mountDocs>[1]) {
  const routes = new Map<string, (c: Context) => Response | Promise<Response>>()
  const warnings: string[] = []
  mountDocs(
    (path, handler) => routes.set(path, handler),
    options,
    'Shop',
    () => ({ openapi: '3.1.0', info: { title: 'Shop', version: '1' }, paths: {} }),
    (message) => warnings.push(message),
  )
  const get = async (path: string, name = '') => {
    const response = await routes.get(path)!({ req: { param: () => name } } as unknown as Context)
    return { status: response.status, text: await response.text() }
  }
  return { routes, warnings, get }
}

describe('docs pages without the docs assets', () => {
  it('load Swagger UI and Redoc from jsDelivr, and say once how to serve them from the app', async () => {
    const { get, warnings } = mounted(undefined)
    const docs = await get('/docs')
    expect(docs.text).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist@')
    expect(docs.text).not.toContain('/docs/assets/')
    expect((await get('/redoc')).text).toContain('https://cdn.jsdelivr.net/npm/redoc@')
    expect((await get('/docs/oauth2-redirect')).text).toContain(
      'https://cdn.jsdelivr.net/npm/swagger-ui-dist@',
    )
    expect((await get('/docs/assets/:name', 'swagger-ui-bundle.js')).status).toBe(404)
    expect(warnings).toEqual([
      expect.stringContaining(
        'could not be loaded (No such module "@tandem/core/docs-assets"). To serve them from the app, import \'@tandem/core/docs-assets\' in the entry module',
      ),
    ])
  })

  it("say nothing when the app chose the CDN (docs: { assets: 'cdn' })", async () => {
    const { get, routes, warnings } = mounted({ assets: 'cdn' })
    expect((await get('/docs')).text).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist@')
    expect(routes.has('/docs/assets/:name')).toBe(false)
    expect(warnings).toEqual([])
  })
})
