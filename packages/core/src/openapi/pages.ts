import { REDOC_VERSION, SWAGGER_UI_VERSION } from './versions.ts'

/**
 * Where the pages load Swagger UI and Redoc from: the app itself (`local`, the files of
 * `loadDocsAsset` under `base`, e.g. `/docs/assets`), or a CDN (`cdn`, versions pinned; `base` is
 * the CDN's npm root, jsDelivr's by default).
 */
export type DocsAssetsSource = { mode: 'local'; base: string } | { mode: 'cdn'; base?: string }

/** Options of the Swagger UI page. */
export interface SwaggerUIPageOptions {
  /** The page's title (escaped). FastAPI writes `${app title} - Swagger UI`. */
  title: string
  /** Where the page fetches the OpenAPI document, e.g. `/openapi.json`. */
  openapiUrl: string
  assets: DocsAssetsSource
  /** The path (or URL) of the page `swaggerUIOAuth2RedirectHtml` serves, e.g. `/docs/oauth2-redirect`. */
  oauth2RedirectUrl?: string
  /** Swagger UI options laid over FastAPI's defaults (plain JSON). */
  parameters?: Record<string, unknown>
  /** Options for Swagger UI's `initOAuth` (client id, scopes, ...), plain JSON. */
  initOAuth?: Record<string, unknown>
}

/** Options of the Redoc page. */
export interface RedocPageOptions {
  /** The page's title (escaped). FastAPI writes `${app title} - ReDoc`. */
  title: string
  /** Where the page fetches the OpenAPI document, e.g. `/openapi.json`. */
  openapiUrl: string
  assets: DocsAssetsSource
}

/** FastAPI's `swagger_ui_default_parameters`. */
const SWAGGER_UI_DEFAULTS = {
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
}

const JSDELIVR = 'https://cdn.jsdelivr.net/npm'

/**
 * The URLs of the files the pages load, for an assets source.
 *
 * @example
 * docsAssetUrls({ mode: 'local', base: '/docs/assets/' }).swaggerUIBundle // '/docs/assets/swagger-ui-bundle.js'
 * docsAssetUrls({ mode: 'cdn' }).redoc // 'https://cdn.jsdelivr.net/npm/redoc@2.5.4/bundles/redoc.standalone.js'
 */
export function docsAssetUrls(assets: DocsAssetsSource) {
  const base = (assets.base ?? JSDELIVR).replace(/\/+$/, '')
  const swaggerUI = assets.mode === 'local' ? base : `${base}/swagger-ui-dist@${SWAGGER_UI_VERSION}`
  const redoc = assets.mode === 'local' ? base : `${base}/redoc@${REDOC_VERSION}/bundles`
  return {
    swaggerUIBundle: `${swaggerUI}/swagger-ui-bundle.js`,
    swaggerUICss: `${swaggerUI}/swagger-ui.css`,
    favicon: `${swaggerUI}/favicon-32x32.png`,
    oauth2Redirect: `${swaggerUI}/oauth2-redirect.js`,
    redoc: `${redoc}/redoc.standalone.js`,
  }
}

/**
 * The Swagger UI page FastAPI serves at `/docs`, loading the document from `openapiUrl`.
 *
 * @example
 * swaggerUIHtml({ title: 'Shop - Swagger UI', openapiUrl: '/openapi.json',
 *   assets: { mode: 'local', base: '/docs/assets' }, oauth2RedirectUrl: '/docs/oauth2-redirect' })
 * // '<!DOCTYPE html>\n<html>\n<head>\n<link type="text/css" rel="stylesheet" href="/docs/assets/swagger-ui.css">...'
 */
export function swaggerUIHtml(options: SwaggerUIPageOptions): string {
  const urls = docsAssetUrls(options.assets)
  const config = { url: options.openapiUrl, ...SWAGGER_UI_DEFAULTS, ...options.parameters }
  const redirect = options.oauth2RedirectUrl
  const redirectLine =
    redirect === undefined
      ? ''
      : /^[a-z][a-z0-9+.-]*:/i.test(redirect)
        ? `config.oauth2RedirectUrl = ${scriptJSON(redirect)}\n`
        : `config.oauth2RedirectUrl = window.location.origin + ${scriptJSON(redirect)}\n`
  const initOAuth = options.initOAuth ? `ui.initOAuth(${scriptJSON(options.initOAuth)})\n` : ''
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link type="text/css" rel="stylesheet" href="${escapeHtml(urls.swaggerUICss)}">
<link rel="shortcut icon" href="${escapeHtml(urls.favicon)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="swagger-ui">
</div>
<script src="${escapeHtml(urls.swaggerUIBundle)}"></script>
<!-- \`SwaggerUIBundle\` is now available on the page -->
<script>
const config = ${scriptJSON(config)}
config.presets = [SwaggerUIBundle.presets.apis]
${redirectLine}const ui = SwaggerUIBundle(config)
${initOAuth}</script>
</body>
</html>
`
}

/**
 * The Redoc page FastAPI serves at `/redoc`, loading the document from `openapiUrl`. Unlike
 * FastAPI's, it loads no Google Fonts, and the bundle the app serves draws no Redocly logo from
 * Redocly's CDN (assets-data.ts), so the local mode makes no request outside the app.
 *
 * @example
 * redocHtml({ title: 'Shop - ReDoc', openapiUrl: '/openapi.json', assets: { mode: 'cdn' } })
 * // '...<redoc spec-url="/openapi.json"></redoc>\n<script src="https://cdn.jsdelivr.net/npm/redoc@2.5.4/...'
 */
export function redocHtml(options: RedocPageOptions): string {
  const urls = docsAssetUrls(options.assets)
  return `<!DOCTYPE html>
<html>
<head>
<title>${escapeHtml(options.title)}</title>
<!-- needed for adaptive design -->
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="shortcut icon" href="${escapeHtml(urls.favicon)}">
<!--
ReDoc doesn't change outer page styles
-->
<style>
  body {
    margin: 0;
    padding: 0;
  }
</style>
</head>
<body>
<noscript>
    ReDoc requires Javascript to function. Please enable it to browse the documentation.
</noscript>
<redoc spec-url="${escapeHtml(options.openapiUrl)}"></redoc>
<script src="${escapeHtml(urls.redoc)}"> </script>
</body>
</html>
`
}

/**
 * The page Swagger UI's OAuth2 flows return to (FastAPI serves it at `/docs/oauth2-redirect`): it
 * hands the authorization result back to the Swagger UI window with Swagger UI's own script.
 *
 * @example
 * swaggerUIOAuth2RedirectHtml({ assets: { mode: 'local', base: '/docs/assets' } })
 * // '<!doctype html>...<script src="/docs/assets/oauth2-redirect.js"></script>...'
 */
export function swaggerUIOAuth2RedirectHtml(options: { assets: DocsAssetsSource }): string {
  const urls = docsAssetUrls(options.assets)
  return `<!doctype html>
<html lang="en-US">
<head>
<title>Swagger UI: OAuth2 Redirect</title>
</head>
<body>
<script src="${escapeHtml(urls.oauth2Redirect)}"></script>
</body>
</html>
`
}

/** Text safe inside HTML content and double- or single-quoted attributes. */
function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** JSON safe inside an inline `<script>`: no `</script>`, `<!--` or line separators can end it early. */
function scriptJSON(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029')
}
