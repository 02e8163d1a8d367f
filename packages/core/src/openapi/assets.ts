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

/** Each docs asset's contents by name: what `@tandem/core/docs-assets` holds. */
export type DocsAssetFiles = Readonly<Record<string, string | Uint8Array>>

/**
 * The entry holding the files (3 MB, about 800 KB gzipped), by its package name. It is imported
 * through a variable, so that bundlers leave it out of a bundle: an app that serves no docs pages
 * (a Worker with `docs: false`) carries none of it, and one that does imports it itself.
 */
const DOCS_ASSETS_ENTRY = '@tandem/core/docs-assets'

let provided: DocsAssetFiles | undefined
let loading: Promise<DocsAssetFiles | undefined> | undefined
/** Why the entry could not be imported, once it could not. */
let importError: unknown

/** Called by `@tandem/core/docs-assets` as it loads: from then on, its files are served. */
export function provideDocsAssets(files: DocsAssetFiles): void {
  provided = files
}

/**
 * The docs assets, or `undefined` when this process cannot load them: on Node and Bun the entry is
 * imported from `node_modules` on the first call; a bundle that left it out (workerd) has them only
 * if it imported `@tandem/core/docs-assets` itself.
 */
export function docsAssetFiles(): Promise<DocsAssetFiles | undefined> {
  if (provided) return Promise.resolve(provided)
  loading ??= importUnbundled(DOCS_ASSETS_ENTRY).then(
    // The module's own export, in case it registered with another copy of core (a bundled app
    // whose node_modules also has core).
    (module) => provided ?? (module as { docsAssets?: DocsAssetFiles }).docsAssets,
    (error: unknown) => {
      importError = error
      return undefined
    },
  )
  return loading.then((files) => provided ?? files)
}

/** Why `docsAssetFiles()` found nothing (the import's error), for the log line that says what to do. */
export function docsAssetsImportError(): string {
  const message = importError instanceof Error ? importError.message : String(importError)
  return message.replace(/\.$/, '')
}

/** `import()` that no bundler follows (esbuild, Rollup and Bun leave a variable alone; Vite and webpack read the comments). */
function importUnbundled(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)
}

/**
 * Loads one of the docs pages' files by name (the last segment of `/docs/assets/<name>`), or gives
 * `undefined` for any other name: only the fixed list in `docsAssetNames` is served, so paths
 * such as `../secret` or `__proto__` find nothing. The files are those of the
 * `@tandem/core/docs-assets` entry, loaded on the first call; they need no file system and no
 * network once loaded. On Node and Bun that entry is found by itself; a bundle (a Worker on workerd)
 * has it only if it imports it (`import '@tandem/core/docs-assets'`), and otherwise this gives
 * `undefined` for every name.
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
  const data = (await docsAssetFiles())?.[name]
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
