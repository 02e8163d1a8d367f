/**
 * `@tandem/core/openapi`: the OpenAPI document and the docs pages, for apps that serve their docs
 * their own way (a custom `/docs` page, the document written to a file at build time).
 */
export { type DocsAsset, docsAssetNames, loadDocsAsset } from './assets.ts'
export { createOpenAPIDocument, type OpenAPIDocument } from './document.ts'
export {
  type DocsAssetsSource,
  redocHtml,
  swaggerUIHtml,
  swaggerUIOAuth2RedirectHtml,
} from './pages.ts'
export type { DocsOptions } from './routes.ts'
export type * from './types.ts'
