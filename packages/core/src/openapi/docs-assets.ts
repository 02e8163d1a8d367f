/**
 * `@tandem/core/docs-assets`: the files of the docs pages (Swagger UI's bundle, stylesheet, favicons
 * and OAuth2 redirect script, Redoc's standalone bundle, their licenses), 3 MB, about 800 KB
 * gzipped. An app serves them under `/docs/assets/` for its `/docs` and `/redoc` pages.
 *
 * On Node and Bun an app loads this entry by itself, from `node_modules`, when a docs page is first
 * requested: nothing to do. A bundle, such as a Worker for workerd, has it only if it imports it,
 * so a Worker with `docs: false` (or `docs: { assets: 'cdn' }`) carries none of it. A Worker that
 * serves docs pages without importing it gets pages that load Swagger UI and Redoc from jsDelivr
 * (as `docs: { assets: 'cdn' }`), and a log line saying so.
 *
 * @example
 * // worker.ts: the Worker's entry
 * import '@tandem/core/docs-assets' // /docs and /redoc load their files from the app itself
 * import { app } from './app.ts'
 * export default app
 */
import { provideDocsAssets } from './assets.ts'
import { assets } from './assets-data.ts'

/**
 * Each file by its name under the docs assets path (`docsAssetNames` of `@tandem/core/openapi`):
 * text for scripts, styles and licenses, bytes for the favicons. `loadDocsAsset` serves them with
 * their content types.
 */
export const docsAssets: Readonly<Record<string, string | Uint8Array>> = Object.freeze(assets)

provideDocsAssets(docsAssets)
