import type { ResponseObject, SchemaObject } from './objects.ts'

/**
 * FastAPI's `ValidationError` component: one entry of a 422 response's `detail`.
 *
 * @example
 * components.schemas.ValidationError = validationErrorSchema()
 */
export function validationErrorSchema(): SchemaObject {
  return {
    title: 'ValidationError',
    type: 'object',
    properties: {
      loc: {
        title: 'Location',
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
      msg: { title: 'Message', type: 'string' },
      type: { title: 'Error Type', type: 'string' },
      input: { title: 'Input' },
      ctx: { title: 'Context', type: 'object' },
    },
    required: ['loc', 'msg', 'type'],
  }
}

/**
 * FastAPI's `HTTPValidationError` component: the body of a 422 response.
 *
 * @example
 * components.schemas.HTTPValidationError = httpValidationErrorSchema()
 */
export function httpValidationErrorSchema(): SchemaObject {
  return {
    title: 'HTTPValidationError',
    type: 'object',
    properties: {
      detail: {
        title: 'Detail',
        type: 'array',
        items: { $ref: '#/components/schemas/ValidationError' },
      },
    },
  }
}

/**
 * The 422 response FastAPI documents for every operation that validates input.
 *
 * @example
 * operation.responses['422'] = validationErrorResponse()
 */
export function validationErrorResponse(): ResponseObject {
  return {
    description: 'Validation Error',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
  }
}
