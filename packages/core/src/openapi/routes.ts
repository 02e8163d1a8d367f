import type { Context } from 'hono'
import { docsAssetFiles, docsAssetsImportError, loadDocsAsset } from './assets.ts'
import type { OpenAPIDocument } from './objects.ts'
import { type DocsAssetsSource, redocHtml, swaggerUIHtml, swaggerUIOAuth2RedirectHtml } from './pages.ts'

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
  /**
   * Serve the pages' scripts and styles from the app itself (default `local`: the files of
   * `@tandem/core/docs-assets`, which a Worker's bundle has only if it imports that entry) or from a CDN.
   */
  assets?: 'local' | 'cdn'
}

const HTML = { 'content-type': 'text/html; charset=utf-8' }

/** Adds a `GET` route to the engine. */
type AddGetRoute = (path: string, handler: (c: Context) => Response | Promise<Response>) => void

/**
 * Where the pages load their files from: the app's own `/docs/assets/` when the docs assets can be
 * loaded; else (a bundle without `@tandem/core/docs-assets`) jsDelivr, said once in the log.
 */
function assetsSource(
  options: DocsOptions | undefined,
  base: string,
  warn: (message: string) => void,
): () => Promise<DocsAssetsSource> {
  if (options?.assets === 'cdn') return () => Promise.resolve({ mode: 'cdn' })
  return once(async () => {
    if (await docsAssetFiles()) return { mode: 'local', base }
    warn(
      `The docs pages load Swagger UI and Redoc from jsDelivr: @tandem/core/docs-assets could not be ` +
        `loaded (${docsAssetsImportError()}). To serve them from the app, import '@tandem/core/docs-assets' ` +
        `in the entry module (a Worker's bundle has it only then); to choose the CDN and silence this, ` +
        `set docs: { assets: 'cdn' }.`,
    )
    return { mode: 'cdn' }
  })
}

/** `make()` once, on the first call; its promise on every call. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => {
    result ??= make()
    return result
  }
}

/** Adds the docs routes to the engine (they are not routes of the app, so not in its document). */
export function mountDocs(
  get: AddGetRoute,
  options: DocsOptions | false | undefined,
  title: string,
  document: () => OpenAPIDocument,
  warn: (message: string) => void = (message) => console.warn(`[tandem] ${message}`),
): void {
  if (options === false) return
  const openapi = options?.openapi ?? '/openapi.json'
  const swagger = options?.swagger ?? '/docs'
  const redoc = options?.redoc ?? '/redoc'
  const base = `${swagger || '/docs'}/assets`
  const source = assetsSource(options, base, warn)
  /** A page, made once its assets' source is known. */
  const page = (make: (assets: DocsAssetsSource) => string) => {
    const html = once(() => source().then(make))
    return async () => new Response(await html(), { headers: HTML })
  }
  if (openapi) {
    let cached: string | undefined
    get(openapi, () => {
      cached ??= JSON.stringify(document())
      return new Response(cached, { headers: { 'content-type': 'application/json' } })
    })
  }
  if (swagger && openapi) {
    const redirect = `${swagger}/oauth2-redirect`
    get(
      swagger,
      page((assets) =>
        swaggerUIHtml({
          title: `${title} - Swagger UI`,
          openapiUrl: openapi,
          assets,
          oauth2RedirectUrl: redirect,
        }),
      ),
    )
    get(
      redirect,
      page((assets) => swaggerUIOAuth2RedirectHtml({ assets })),
    )
  }
  if (redoc && openapi) {
    get(
      redoc,
      page((assets) => redocHtml({ title: `${title} - ReDoc`, openapiUrl: openapi, assets })),
    )
  }
  if (options?.assets !== 'cdn' && (swagger || redoc) && openapi) {
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
