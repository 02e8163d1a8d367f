import { operationInputs, STRING_SCHEMA } from '../di/dependant.ts'
import type { MountedEndpoint } from '../endpoint.ts'
import type { OperationSpec, SecuritySchemeObject } from './types.ts'

/** What the OpenAPI document says about a route as served. */
export function operationOf(
  mounted: MountedEndpoint,
  tags: string[],
): { spec: OperationSpec; securitySchemes: Record<string, SecuritySchemeObject> } {
  const d = mounted.endpoint.declaration
  const inputs = operationInputs(mounted.dependant)
  const parameters = inputs.parameters
  const declared = new Set(parameters.filter((p) => p.in === 'path').map((p) => p.name))
  const pathParams = mounted.paramNames
  const implicit = pathParams
    .filter((name) => !declared.has(name))
    .map((name) => ({ in: 'path' as const, name, schema: STRING_SCHEMA, required: true }))
  const handlerName = (mounted.endpoint.handler as { name?: string }).name
  const spec: OperationSpec = {
    method: mounted.endpoint.method.toLowerCase() as OperationSpec['method'],
    path: mounted.path,
    parameters: [...implicit, ...parameters],
    ...(inputs.requestBody ? { requestBody: inputs.requestBody } : {}),
    ...(d.response ? { response: d.response } : {}),
    status: mounted.status,
    tags,
    ...(d.summary ? { summary: d.summary } : {}),
    ...(d.description ? { description: d.description } : {}),
    ...(d.operationId ? { operationId: d.operationId } : {}),
    ...(d.deprecated ? { deprecated: true } : {}),
    ...(d.responses ? { responses: d.responses } : {}),
    security: inputs.security,
    ...(handlerName && !/^(handler|anonymous|)$/.test(handlerName) ? { handlerName } : {}),
    validates: inputs.validates,
    includeInSchema: d.includeInSchema !== false,
  }
  return { spec, securitySchemes: inputs.securitySchemes }
}
