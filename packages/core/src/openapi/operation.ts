import type { SchemaComponents } from './components.ts'
import { summaryFromName } from './naming.ts'
import type { OperationObject, ParameterObject, RequestBodyObject, SchemaObject } from './objects.ts'
import type { OpenAPIPath } from './paths.ts'
import { buildResponses } from './responses.ts'
import type { OperationSpec, ParameterSpec, RequestBodySpec } from './types.ts'

/** What building one operation needs besides its spec. */
export interface OperationContext {
  /** The OpenAPI path this operation is documented under (one variant of an optional path). */
  path: OpenAPIPath
  operationId: string
  components: SchemaComponents
  /** Called when the operation documents the 422 response, so the document adds its schemas. */
  onValidationError: () => void
}

/**
 * The OpenAPI operation object of one route: tags, summary (the handler's name in Title Case by
 * default, as FastAPI does), parameters, request body, responses and security.
 *
 * @example
 * buildOperation(spec, { path: { path: '/items/{id}', params: ['id'] }, operationId: 'read_item_items__id__get',
 *   components, onValidationError: () => {} })
 * // { summary: 'Read Item', operationId: 'read_item_items__id__get', parameters: [...], responses: {...} }
 */
export function buildOperation(spec: OperationSpec, context: OperationContext): OperationObject {
  const where = `${spec.method.toUpperCase()} ${context.path.path}`
  const summary = spec.summary ?? (spec.handlerName ? summaryFromName(spec.handlerName) : undefined)
  const tags = [...new Set(spec.tags)]
  const parameters = buildParameters(spec.parameters, context, where)
  const requestBody = spec.requestBody && buildRequestBody(spec.requestBody, context, where)
  const responses = buildResponses(spec, context.components, where, context.onValidationError)
  const operation: OperationObject = {
    ...(tags.length > 0 ? { tags } : {}),
    ...(summary ? { summary } : {}),
    ...(spec.description ? { description: spec.description } : {}),
    operationId: context.operationId,
    ...(spec.deprecated ? { deprecated: true } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  }
  if (spec.security.length > 0)
    operation.security = spec.security.map((requirement) => structuredClone(requirement))
  return operation
}

/**
 * The parameters of one operation: the path parameters this path variant has (undeclared ones
 * documented as strings), then the others in declaration order; a repeated name is documented once.
 */
function buildParameters(
  specs: ParameterSpec[],
  context: OperationContext,
  where: string,
): ParameterObject[] {
  const inPath = new Set(context.path.params)
  const seen = new Set<string>()
  const parameters: ParameterObject[] = []
  for (const spec of specs) {
    const key = `${spec.in}:${spec.name}`
    if (seen.has(key) || (spec.in === 'path' && !inPath.has(spec.name))) continue
    seen.add(key)
    parameters.push(buildParameter(spec, context.components, where))
  }
  const undeclared = context.path.params
    .filter((name) => !seen.has(`path:${name}`))
    .map((name): ParameterObject => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
  return [...undeclared, ...parameters]
}

function buildParameter(spec: ParameterSpec, components: SchemaComponents, where: string): ParameterObject {
  const schema = components.add(spec.schema, 'input', `the ${spec.in} parameter "${spec.name}" of ${where}`)
  const description =
    spec.description ?? (typeof schema.description === 'string' ? schema.description : undefined)
  const parameter: ParameterObject = {
    name: spec.name,
    in: spec.in,
    // OpenAPI: "If the parameter location is "path", this property is REQUIRED and its value MUST be true."
    required: spec.in === 'path' ? true : spec.required,
    schema,
    ...(description ? { description } : {}),
    ...(spec.deprecated ? { deprecated: true } : {}),
  }
  if (spec.in === 'query' && isArraySchema(schema)) {
    parameter.style = 'form'
    parameter.explode = true
  }
  return parameter
}

/** True when a value of `schema` is a list (`type: 'array'`, possibly nullable). */
function isArraySchema(schema: SchemaObject): boolean {
  const type = schema.type
  return type === 'array' || (Array.isArray(type) && type.includes('array'))
}

/**
 * The request body under each of its content types. A form without an id gets a component named
 * `Body_{operationId}`, as FastAPI names it.
 */
function buildRequestBody(
  spec: RequestBodySpec,
  context: OperationContext,
  where: string,
): RequestBodyObject {
  let schema = context.components.add(spec.schema, 'input', `the request body of ${where}`)
  const isForm = spec.contentTypes.every((type) => !/[/+]json$/i.test(type))
  if (isForm && schema.$ref === undefined) {
    const name = `Body_${context.operationId}`
    schema = context.components.addFixed(name, { title: name, ...schema }, `the request body of ${where}`)
  }
  const content: RequestBodyObject['content'] = {}
  for (const type of spec.contentTypes) content[type] = { schema }
  return { content, required: spec.required }
}
