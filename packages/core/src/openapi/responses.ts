import { reasonPhrase, statusForbidsBody } from '../http/status.ts'
import type { SchemaComponents } from './components.ts'
import type { HeaderObject, ResponseObject } from './objects.ts'
import type { OperationSpec, ResponseSpec } from './types.ts'
import { validationErrorResponse } from './validation-error.ts'

/** Descriptions of status ranges, as FastAPI writes them. */
const RANGES: Record<string, string> = {
  '1XX': 'Information',
  '2XX': 'Success',
  '3XX': 'Redirection',
  '4XX': 'Client Error',
  '5XX': 'Server Error',
  default: 'Default Response',
}

/**
 * The `responses` of one operation, in FastAPI's order: the success status ("Successful
 * Response", with the response model or the empty schema `{}`, and no content for 204/304), then
 * the declared extra `responses` (merged into the success entry when they share its status), then
 * the 422 "Validation Error" when the route validates input and no 422, 4XX or default response
 * was declared. `onValidationError` is called when that 422 is added.
 *
 * @example
 * buildResponses(spec, components, 'GET /items/{id}', () => {})
 * // { '200': { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
 * //   '422': { description: 'Validation Error', content: ... } }
 */
export function buildResponses(
  spec: OperationSpec,
  components: SchemaComponents,
  where: string,
  onValidationError: () => void,
): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {}
  const success: ResponseObject = { description: 'Successful Response' }
  if (!statusForbidsBody(spec.status)) {
    const schema = spec.response
      ? components.add(spec.response, 'output', `the response model of ${where}`)
      : {}
    success.content = { 'application/json': { schema } }
  }
  responses[String(spec.status)] = success

  for (const [code, extra] of Object.entries(spec.responses ?? {})) {
    const key = code.toUpperCase() === 'DEFAULT' ? 'default' : code.toUpperCase()
    responses[key] = mergeResponse(responses[key], extra, key, components, `the ${key} response of ${where}`)
  }

  if (spec.validates && !['422', '4XX', 'default'].some((key) => key in responses)) {
    responses['422'] = validationErrorResponse()
    onValidationError()
  }
  return responses
}

/** One declared extra response, laid over what the operation already documents for its status. */
function mergeResponse(
  existing: ResponseObject | undefined,
  extra: ResponseSpec,
  key: string,
  components: SchemaComponents,
  where: string,
): ResponseObject {
  const description =
    extra.description ||
    existing?.description ||
    RANGES[key] ||
    reasonPhrase(Number(key)) ||
    'Additional Response'
  const response: ResponseObject = { ...existing, description }
  if (extra.model) {
    const schema = components.add(extra.model, 'output', where)
    response.content = { ...response.content, 'application/json': { schema } }
  }
  if (extra.headers) {
    const headers: Record<string, HeaderObject> = { ...response.headers }
    for (const [name, header] of Object.entries(extra.headers)) {
      headers[name] = {
        ...(header.description ? { description: header.description } : {}),
        schema: header.schema
          ? components.add(header.schema, 'output', `the header "${name}" of ${where}`)
          : { type: 'string' },
      }
    }
    response.headers = headers
  }
  return response
}
