import type { AppOptions, Logger } from '../app.ts'
import type { MountedEndpoint } from '../endpoint.ts'
import { createOpenAPIDocument, type OpenAPIDocument } from './document.ts'
import { operationOf } from './endpoint-spec.ts'
import type { SecuritySchemeObject } from './types.ts'

/**
 * The OpenAPI document of an app's routes (`app.openapi()`): each route's operation, the security
 * schemes they use (a warning when two different ones share a name), the app's title, version and servers.
 */
export function appDocument(
  routes: { mounted: MountedEndpoint; tags: string[] }[],
  config: AppOptions<any, any>,
  logger: Logger,
): OpenAPIDocument {
  const schemes: Record<string, SecuritySchemeObject> = {}
  const operations = routes.map((route) => {
    const { spec, securitySchemes } = operationOf(route.mounted, route.tags)
    for (const [name, scheme] of Object.entries(securitySchemes)) {
      const known = schemes[name]
      if (known && JSON.stringify(known) !== JSON.stringify(scheme)) {
        logger.warn(
          `OpenAPI: two different security schemes are named "${name}" (${JSON.stringify(known)} and ` +
            `${JSON.stringify(scheme)}); the document keeps the last. Give one a schemeName option.`,
        )
      }
      schemes[name] = scheme
    }
    return spec
  })
  const info = {
    title: config.title ?? 'Tandem',
    version: config.version ?? '0.1.0',
    ...(config.description ? { description: config.description } : {}),
    ...(config.servers ? { servers: config.servers } : {}),
  }
  return createOpenAPIDocument(info, operations, Object.keys(schemes).length > 0 ? schemes : undefined)
}
