/**
 * The OpenAPI 3.1 objects the document is made of: plain JSON, as `JSON.stringify` writes them.
 * Only the fields Tandem produces are typed; OpenAPI allows more (and `x-` extensions).
 */

/** A JSON Schema (draft 2020-12) as OpenAPI 3.1 embeds it. */
export type SchemaObject = { [keyword: string]: unknown }

/** A reference to a named schema: `{ $ref: '#/components/schemas/Item' }`. */
export interface ReferenceObject {
  $ref: string
}

/** One request parameter. */
export interface ParameterObject {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required: boolean
  schema: SchemaObject
  description?: string
  deprecated?: boolean
  style?: 'form' | 'simple'
  explode?: boolean
}

/** A body's schema under one content type. */
export interface MediaTypeObject {
  schema: SchemaObject
}

/** The request body of an operation. */
export interface RequestBodyObject {
  content: Record<string, MediaTypeObject>
  required: boolean
}

/** A documented response header. */
export interface HeaderObject {
  description?: string
  schema: SchemaObject
}

/** One documented response. */
export interface ResponseObject {
  description: string
  headers?: Record<string, HeaderObject>
  content?: Record<string, MediaTypeObject>
}

/** One HTTP operation of a path. */
export interface OperationObject {
  tags?: string[]
  summary?: string
  description?: string
  operationId: string
  deprecated?: boolean
  parameters?: ParameterObject[]
  requestBody?: RequestBodyObject
  responses: Record<string, ResponseObject>
  security?: Record<string, string[]>[]
}

/** The operations of one path, by lower-case method. */
export type PathItemObject = Partial<
  Record<'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch', OperationObject>
>

/** The whole OpenAPI 3.1 document that `/openapi.json` serves. */
export interface OpenAPIDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description?: string }
  servers?: { url: string; description?: string }[]
  paths: Record<string, PathItemObject>
  components?: {
    schemas?: Record<string, SchemaObject>
    securitySchemes?: Record<string, Record<string, unknown>>
  }
}
