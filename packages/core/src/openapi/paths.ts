import { checkOptionalParameter } from 'hono/utils/url'
import { type ParsedRoutePath, parseRoutePath } from '../route-path.ts'

/** One OpenAPI path a Hono route path stands for, with the names of its path parameters. */
export type OpenAPIPath = ParsedRoutePath

/**
 * Turns a path in Hono's syntax into the OpenAPI paths it matches: `:id` becomes `{id}`, a regex
 * suffix (`:name{.+}`) is dropped, and a route with optional parameters (`/items/:id?`) stands for
 * one path per variant, as Hono routes it, the longest first (OpenAPI path parameters are always
 * required, so `/items` and `/items/{id}` are two paths).
 *
 * @example
 * toOpenAPIPaths('/files/:name{.+}') // [{ path: '/files/{name}', params: ['name'] }]
 * toOpenAPIPaths('/items/:id?').map((p) => p.path) // ['/items/{id}', '/items']
 */
export function toOpenAPIPaths(honoPath: string): OpenAPIPath[] {
  const variants = checkOptionalParameter(honoPath)?.reverse() ?? [honoPath]
  return variants.map(parseRoutePath)
}
