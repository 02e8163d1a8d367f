import { SchemaComponents } from './components.ts'
import { defaultOperationId, OperationIds } from './naming.ts'
import type { OpenAPIDocument, PathItemObject } from './objects.ts'
import { buildOperation } from './operation.ts'
import { toOpenAPIPaths } from './paths.ts'
import type { OpenAPIInfo, OperationSpec, SecuritySchemeObject } from './types.ts'
import { httpValidationErrorSchema, validationErrorSchema } from './validation-error.ts'

export type { OpenAPIDocument } from './objects.ts'

/**
 * Builds the OpenAPI 3.1.0 document of an app from its routes' `OperationSpec`s, as FastAPI
 * would: JSON Schemas from Zod (`z.toJSONSchema`, input side for requests, output side for
 * responses), Hono paths in OpenAPI syntax (`/items/:id` → `/items/{id}`), FastAPI's operationIds
 * (`read_item_items__item_id__get`; explicit ones win, repeats get `_2`, `_3`), its 422 response
 * and `HTTPValidationError`/`ValidationError` schemas, and schemas named with `.meta({ id })` as
 * `components.schemas`. Routes with `includeInSchema: false` are left out; when two routes share a
 * method and path, the first one (the one Hono serves) is documented.
 *
 * The result is plain JSON and depends only on its arguments and their order.
 *
 * @example
 * const document = createOpenAPIDocument({ title: 'Burger shop', version: '1.0.0' }, [
 *   { method: 'get', path: '/burgers/:id', parameters: [{ in: 'path', name: 'id', schema: z.number().int(),
 *     required: true }], status: 200, tags: ['burgers'], security: [], handlerName: 'read_burger',
 *     validates: true, includeInSchema: true },
 * ])
 * document.paths['/burgers/{id}']?.get?.operationId // 'read_burger_burgers__id__get'
 */
export function createOpenAPIDocument(
  info: OpenAPIInfo,
  operations: OperationSpec[],
  securitySchemes?: Record<string, SecuritySchemeObject>,
): OpenAPIDocument {
  const components = new SchemaComponents()
  const ids = new OperationIds()
  const paths: Record<string, PathItemObject> = {}
  let validationErrors = false

  for (const spec of operations) {
    if (!spec.includeInSchema) continue
    for (const path of toOpenAPIPaths(spec.path)) {
      const item = paths[path.path] ?? {}
      paths[path.path] = item
      if (item[spec.method]) continue
      const operationId = ids.claim(
        spec.operationId ?? defaultOperationId(spec.handlerName, path.path, spec.method),
      )
      item[spec.method] = buildOperation(spec, {
        path,
        operationId,
        components,
        onValidationError: () => {
          validationErrors = true
        },
      })
    }
  }

  if (validationErrors) {
    components.addFixed('HTTPValidationError', httpValidationErrorSchema(), 'the 422 responses')
    components.addFixed('ValidationError', validationErrorSchema(), 'the 422 responses')
  }

  const document: OpenAPIDocument = {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    ...(info.servers && info.servers.length > 0 ? { servers: toJSON(info.servers) } : {}),
    paths,
  }
  const schemas = components.finish(document)
  const schemes =
    securitySchemes && Object.keys(securitySchemes).length > 0 ? toJSON(securitySchemes) : undefined
  if (Object.keys(schemas).length > 0 || schemes) {
    document.components = {
      ...(Object.keys(schemas).length > 0 ? { schemas } : {}),
      ...(schemes ? { securitySchemes: schemes } : {}),
    }
  }
  return document
}

/** A plain-JSON copy of caller-provided data, so the document never shares objects with it. */
function toJSON<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}
