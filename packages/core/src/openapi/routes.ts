import type { Context } from 'hono'
import { loadDocsAsset } from './assets.ts'
import type { OpenAPIDocument } from './objects.ts'
import { redocHtml, swaggerUIHtml, swaggerUIOAuth2RedirectHtml } from './pages.ts'

/**
 * Where the app serves its OpenAPI document and docs pages: `new App({ docs })`. Each path may be
 * `false` to turn that page off; `docs: false` turns them all off.
 *
 * @example
 * new App({ docs: { openapi: '/api/openapi.json', swagger: '/api/docs', redoc: false } })
 * new App({ docs: { assets: 'cdn' } }) // Swagger UI and Redoc from a CDN (a smaller edge bundle)
 */
export interface DocsOptions {
  /** The OpenAPI document (default `/openapi.json`). */
  openapi?: string | false
  /** Swagger UI (default `/docs`). */
  swagger?: string | false
  /** ReDoc (default `/redoc`). */
  redoc?: string | false
  /** Serve the pages' scripts and styles from the app itself (default `local`) or from a CDN. */
  assets?: 'local' | 'cdn'
}

const HTML = { 'content-type': 'text/html; charset=utf-8' }

/** Adds a `GET` route to the engine. */
type AddGetRoute = (path: string, handler: (c: Context) => Response | Promise<Response>) => void

/** Adds the docs routes to the engine (they are not routes of the app, so not in its document). */
export function mountDocs(
  get: AddGetRoute,
  options: DocsOptions | false | undefined,
  title: string,
  document: () => OpenAPIDocument,
): void {
  if (options === false) return
  const openapi = options?.openapi ?? '/openapi.json'
  const swagger = options?.swagger ?? '/docs'
  const redoc = options?.redoc ?? '/redoc'
  const base = `${swagger || '/docs'}/assets`
  const assets = options?.assets === 'cdn' ? ({ mode: 'cdn' } as const) : ({ mode: 'local', base } as const)
  if (openapi) {
    let cached: string | undefined
    get(openapi, () => {
      cached ??= JSON.stringify(document())
      return new Response(cached, { headers: { 'content-type': 'application/json' } })
    })
  }
  if (swagger && openapi) {
    const redirect = `${swagger}/oauth2-redirect`
    const page = swaggerUIHtml({
      title: `${title} - Swagger UI`,
      openapiUrl: openapi,
      assets,
      oauth2RedirectUrl: redirect,
    })
    get(swagger, () => new Response(page, { headers: HTML }))
    const redirectPage = swaggerUIOAuth2RedirectHtml({ assets })
    get(redirect, () => new Response(redirectPage, { headers: HTML }))
  }
  if (redoc && openapi) {
    const page = redocHtml({ title: `${title} - ReDoc`, openapiUrl: openapi, assets })
    get(redoc, () => new Response(page, { headers: HTML }))
  }
  if (assets.mode === 'local' && (swagger || redoc) && openapi) {
    get(`${base}/:name`, async (c) => {
      const asset = await loadDocsAsset(c.req.param('name') ?? '')
      if (!asset)
        return new Response('{"detail":"Not Found"}', {
          status: 404,
          headers: { 'content-type': 'application/json' },
        })
      return new Response(asset.body, {
        headers: { 'content-type': asset.contentType, 'cache-control': 'public, max-age=86400' },
      })
    })
  }
}
