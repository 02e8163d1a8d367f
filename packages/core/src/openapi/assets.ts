/** One docs asset, ready to be sent. */
export interface DocsAsset {
  /** The file's contents: text for scripts and styles, bytes for images. */
  body: string | Uint8Array<ArrayBuffer>
  /** The `Content-Type` to send it with. */
  contentType: string
}

const JS = 'text/javascript; charset=utf-8'
const TEXT = 'text/plain; charset=utf-8'

/** The files under the docs assets path, and their types: nothing else is ever served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  'swagger-ui-bundle.js': JS,
  'swagger-ui-bundle.js.LICENSE.txt': TEXT,
  'swagger-ui.css': 'text/css; charset=utf-8',
  'oauth2-redirect.js': JS,
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
  'redoc.standalone.js': JS,
  'redoc.standalone.js.LICENSE.txt': TEXT,
})

/**
 * The names `loadDocsAsset` serves: Swagger UI's bundle, stylesheet, favicons and OAuth2
 * redirect script (`swagger-ui-dist`), Redoc's standalone bundle (`redoc`), and their licenses.
 *
 * @example
 * docsAssetNames.includes('swagger-ui.css') // true
 */
export const docsAssetNames: readonly string[] = Object.freeze(Object.keys(CONTENT_TYPES))

/**
 * Loads one of the docs pages' files by name (the last segment of `/docs/assets/<name>`), or gives
 * `undefined` for any other name: only the fixed list in `docsAssetNames` is served, so paths
 * such as `../secret` or `__proto__` find nothing. The files are embedded in a separate chunk of
 * the build, loaded on the first call; they need no file system and no network, so this works on
 * Node, Bun and workerd alike.
 *
 * @example
 * app.get('/docs/assets/:name', async (c) => {
 *   const asset = await loadDocsAsset(c.req.param('name'))
 *   if (!asset) return c.notFound()
 *   return new Response(asset.body, { headers: { 'content-type': asset.contentType } })
 * })
 */
export async function loadDocsAsset(name: string): Promise<DocsAsset | undefined> {
  if (!Object.hasOwn(CONTENT_TYPES, name)) return undefined
  const { assets } = await import('./assets-data.ts')
  const data = assets[name]
  const contentType = CONTENT_TYPES[name]
  if (data === undefined || contentType === undefined) return undefined
  const isText = !contentType.startsWith('image/')
  if (typeof data === 'string') {
    if (isText) return { body: data, contentType }
    if (data.startsWith('data:')) return { body: fromDataURL(data), contentType }
  } else if (!isText) {
    // A copy, so that no caller can change what the next request gets.
    return { body: data.slice(), contentType }
  }
  // Bun running this source (not the build) gives a file path for `type: 'bytes'`.
  return undefined
}

/** The bytes of a base64 `data:` URL (what Vite's `?inline` gives where esbuild gives bytes). */
function fromDataURL(url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(url.slice(url.indexOf(',') + 1))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
