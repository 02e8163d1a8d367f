import type { z } from 'zod'

/** Where a request parameter comes from, as OpenAPI names it. */
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie'

/**
 * One request parameter of an operation, after routers' prefixes and dependencies have been
 * merged in (computed once at registration).
 */
export interface ParameterSpec {
  in: ParameterLocation
  /** The name on the wire: header names are lower-case (`x-token`). */
  name: string
  /** The Zod schema of the value (arrays for repeated query keys). */
  schema: z.ZodType
  required: boolean
  description?: string
  deprecated?: boolean
}

/** The request body of an operation. */
export interface RequestBodySpec {
  schema: z.ZodType
  /** `application/json` for `body`; `multipart/form-data` and `application/x-www-form-urlencoded` for `form`. */
  contentTypes: string[]
  required: boolean
}

/** An extra documented response (the route declaration's `responses`). */
export interface ResponseSpec {
  description?: string
  /** A Zod schema of the JSON body, if any. */
  model?: z.ZodType
  headers?: Record<string, { description?: string; schema?: z.ZodType }>
}

/** A security scheme as OpenAPI's `components.securitySchemes` holds it (plain JSON). */
export type SecuritySchemeObject = Record<string, unknown>

/** One security requirement of an operation: scheme name → scopes. */
export type SecurityRequirement = Record<string, string[]>

/** Everything the OpenAPI document needs to know about one route. */
export interface OperationSpec {
  /** Lower-case HTTP method. */
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options'
  /** Full path in Hono's syntax (`/items/:id`, `/files/:name{.+}`), prefixes included. */
  path: string
  parameters: ParameterSpec[]
  requestBody?: RequestBodySpec
  /** The response model (`response`), if declared. */
  response?: z.ZodType
  /** The success status (`status`, default 200). */
  status: number
  tags: string[]
  summary?: string
  description?: string
  operationId?: string
  deprecated?: boolean
  responses?: Record<string | number, ResponseSpec>
  /** Security requirements gathered from the route's security dependencies. */
  security: SecurityRequirement[]
  /** The handler function's name, if it has one (used for default operationIds and summaries). */
  handlerName?: string
  /** True when the route validates any input, so a 422 response is documented. */
  validates: boolean
  /** Hidden routes (the docs pages themselves) are left out of the document. */
  includeInSchema: boolean
}

/** The `info` part of the document and top-level extras, from `new App(options)`. */
export interface OpenAPIInfo {
  title: string
  version: string
  description?: string
  servers?: { url: string; description?: string }[]
}
