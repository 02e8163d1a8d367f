import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createOpenAPIDocument, type OpenAPIDocument } from './document.ts'
import { shopOperations } from './fixtures.ts'
import type { OperationSpec } from './types.ts'

const info = { title: 'Shop', version: '1.0.0', description: 'A shop.' }
const oauth2 = {
  OAuth2PasswordBearer: {
    type: 'oauth2',
    flows: { password: { tokenUrl: 'token', scopes: { 'items:write': 'Write items.' } } },
  },
}
const base = { parameters: [], status: 200, tags: [], security: [], validates: false, includeInSchema: true }

function op(spec: Partial<OperationSpec> & Pick<OperationSpec, 'method' | 'path'>): OperationSpec {
  return { ...base, ...spec }
}

/** Every `$ref` under `node`. */
function refs(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return []
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refs(value),
  )
}

describe('createOpenAPIDocument', () => {
  const document = createOpenAPIDocument(info, shopOperations(), oauth2)
  const paths = document.paths
  const schemas = document.components?.schemas ?? {}

  it('is a valid OpenAPI 3.1 document whose refs all resolve', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    for (const ref of refs(document)) {
      expect(ref).toMatch(/^#\/components\/schemas\/[A-Za-z0-9._-]+$/)
      expect(schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)])
    }
  })

  it('is plain JSON and deterministic', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document)
    const again = createOpenAPIDocument(info, shopOperations(), oauth2)
    expect(JSON.stringify(again)).toBe(JSON.stringify(document))
  })

  it('writes the header FastAPI writes', () => {
    expect(document.openapi).toBe('3.1.0')
    expect(document.info).toEqual({ title: 'Shop', version: '1.0.0', description: 'A shop.' })
    expect(Object.keys(paths)).toEqual([
      '/items/',
      '/items/{item_id}',
      '/files/{folder}/upload',
      '/files/{path}',
      '/health',
      '/pages/{page}',
      '/pages',
    ])
  })

  it('documents parameters of every location, arrays, defaults and enums', () => {
    const parameters = paths['/items/']?.get?.parameters
    expect(parameters).toEqual([
      { name: 'skip', in: 'query', required: false, schema: { default: 0, type: 'integer', minimum: 0 } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 100 } },
      {
        name: 'tag',
        in: 'query',
        required: false,
        schema: { type: 'array', items: { type: 'string' } },
        description: 'Filter by tags.',
        style: 'form',
        explode: true,
      },
      {
        name: 'category',
        in: 'query',
        required: false,
        schema: { $ref: '#/components/schemas/FixtureCategory' },
      },
      { name: 'x-token', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'session', in: 'cookie', required: false, schema: { type: 'string' }, deprecated: true },
    ])
    expect(schemas.FixtureCategory).toEqual({
      title: 'FixtureCategory',
      type: 'string',
      enum: ['food', 'drink'],
    })
    expect(paths['/items/{item_id}']?.get?.parameters).toEqual([
      { name: 'item_id', in: 'path', required: true, schema: { type: 'integer' } },
    ])
  })

  it('turns Hono paths into OpenAPI paths, optional parameters into one path per variant', () => {
    expect(paths['/items/{item_id}']?.delete?.operationId).toBe('_items__item_id__delete')
    expect(paths['/files/{path}']?.get?.parameters).toEqual([
      { name: 'path', in: 'path', required: true, schema: { type: 'string' } },
    ])
    expect(paths['/pages/{page}']?.get?.parameters?.map((p) => p.name)).toEqual(['page'])
    expect(paths['/pages']?.get?.parameters).toBeUndefined()
    expect(paths['/pages']?.get?.operationId).toBe('page_pages_get')
  })

  it('documents JSON bodies with the input side of named schemas and the response with the output side', () => {
    const post = paths['/items/']?.post
    expect(post?.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/FixtureItem-Input' } } },
      required: true,
    })
    expect(post?.responses['201']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/FixtureItem-Output' } },
    })
    expect(schemas['FixtureItem-Input']?.required).toEqual(['name', 'price'])
    expect(schemas['FixtureItem-Output']?.required).toEqual(['name', 'price', 'tax', 'tags'])
    // The nested schema reads the same both ways: one component.
    expect(schemas.FixtureTag).toEqual({
      title: 'FixtureTag',
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    })
    expect(paths['/items/']?.get?.responses['200']?.content?.['application/json']?.schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/FixtureItem-Output' },
    })
  })

  it("documents forms with files under FastAPI's Body_ component", () => {
    const body = paths['/files/{folder}/upload']?.post?.requestBody
    const ref = { $ref: '#/components/schemas/Body_upload_files__folder__upload_post' }
    expect(body).toEqual({
      content: {
        'multipart/form-data': { schema: ref },
        'application/x-www-form-urlencoded': { schema: ref },
      },
      required: true,
    })
    expect(schemas.Body_upload_files__folder__upload_post).toEqual({
      title: 'Body_upload_files__folder__upload_post',
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' },
        image: { type: 'string', format: 'binary', contentMediaType: 'image/png' },
        note: { type: 'string' },
      },
      required: ['file', 'note'],
    })
  })

  it('documents the success response, 204 without content, extra responses and the 422', () => {
    expect(paths['/health']?.get?.responses).toEqual({
      '200': { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
    })
    expect(paths['/items/{item_id}']?.delete?.responses['204']).toEqual({
      description: 'Successful Response',
    })
    const read = paths['/items/{item_id}']?.get?.responses
    expect(Object.keys(read ?? {})).toEqual(['200', '404', '422'])
    expect(read?.['404']?.description).toBe('Item not found')
    expect(read?.['422']).toEqual({
      description: 'Validation Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
    })
    const created = paths['/items/']?.post?.responses
    expect(Object.keys(created ?? {})).toEqual(['201', '409', '422'])
    expect(created?.['201']?.headers).toEqual({
      location: { description: 'Where the item lives.', schema: { type: 'string' } },
    })
    expect(created?.['409']).toEqual({
      description: 'Conflict',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/FixtureConflict' } } },
    })
  })

  it("adds FastAPI's validation error schemas", () => {
    expect(schemas.HTTPValidationError).toEqual({
      title: 'HTTPValidationError',
      type: 'object',
      properties: {
        detail: { title: 'Detail', type: 'array', items: { $ref: '#/components/schemas/ValidationError' } },
      },
    })
    expect(schemas.ValidationError).toEqual({
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
    })
    expect(Object.keys(schemas)).toEqual([...Object.keys(schemas)].sort())
  })

  it('names operations as FastAPI does, explicit ids first, repeats suffixed in order', () => {
    expect(paths['/items/']?.get?.operationId).toBe('list_items_items__get')
    expect(paths['/items/{item_id}']?.get?.operationId).toBe('read_item_items__item_id__get')
    expect(paths['/items/']?.post?.operationId).toBe('createItem_items__post')
    expect(paths['/health']?.get?.operationId).toBe('health')
    expect(paths['/health']?.head?.operationId).toBe('health_2')
  })

  it('writes summaries, tags in declaration order, deprecation and security', () => {
    expect(paths['/items/']?.get?.summary).toBe('List Items')
    expect(paths['/items/']?.post?.summary).toBe('Create Item')
    expect(paths['/items/{item_id}']?.delete?.summary).toBe('Remove an item')
    expect(paths['/items/{item_id}']?.delete?.deprecated).toBe(true)
    expect(paths['/health']?.get?.summary).toBeUndefined()
    expect(paths['/files/{path}']?.get?.description).toBe('A file.')
    expect(paths['/items/{item_id}']?.get?.tags).toEqual(['items', 'read'])
    expect(paths['/health']?.get?.tags).toBeUndefined()
    expect(paths['/items/']?.post?.security).toEqual([{ OAuth2PasswordBearer: ['items:write'] }])
    expect(paths['/items/']?.get?.security).toBeUndefined()
    expect(document.components?.securitySchemes).toEqual(oauth2)
  })

  it('leaves out hidden operations', () => {
    expect(paths['/docs']).toBeUndefined()
  })
})

describe('createOpenAPIDocument, edge cases', () => {
  const build = (...operations: OperationSpec[]): OpenAPIDocument => createOpenAPIDocument(info, operations)

  it('has no components and no 422 when nothing validates or is named', () => {
    const document = build(op({ method: 'get', path: '/' }))
    expect(document.components).toBeUndefined()
    expect(document.paths['/']?.get?.responses['422']).toBeUndefined()
  })

  it('keeps a declared 422, 4XX or default response instead of adding its own', () => {
    const declared = (responses: OperationSpec['responses']) =>
      build(op({ method: 'get', path: '/', validates: true, responses })).components?.schemas
    expect(declared({ 422: { description: 'Mine' } })).toBeUndefined()
    expect(declared({ '4xx': {} })).toBeUndefined()
    expect(declared({ default: {} })).toBeUndefined()
  })

  it('describes types JSON Schema has no word for instead of throwing', () => {
    const schema = z.object({
      at: z.date(),
      big: z.bigint(),
      upper: z.string().transform((s) => s.toUpperCase()),
      custom: z.custom<string>((v) => typeof v === 'string'),
      set: z.set(z.string()),
    })
    const document = build(
      op({
        method: 'post',
        path: '/',
        requestBody: { schema, contentTypes: ['application/json'], required: true },
        response: schema,
      }),
    )
    const body = document.paths['/']?.post?.requestBody?.content['application/json']?.schema
    expect(body?.properties).toEqual({
      at: { type: 'string', format: 'date-time' },
      big: { type: 'integer', format: 'int64' },
      upper: { type: 'string' },
      custom: {},
      set: {},
    })
    const output = document.paths['/']?.post?.responses['200']?.content?.['application/json']?.schema
    expect(output?.properties).toHaveProperty('upper', {})
  })

  it('makes a component of a recursive schema, named or not', () => {
    type Node = { value: number; children: Node[] }
    const Node: z.ZodType<Node> = z.object({ value: z.number(), children: z.array(z.lazy(() => Node)) })
    const Named = z
      .object({
        value: z.number(),
        get next() {
          return Named.optional()
        },
      })
      .meta({ id: 'Chain' })
    const document = build(
      op({ method: 'get', path: '/tree', response: Node }),
      op({ method: 'get', path: '/tree2', response: Node }),
      op({ method: 'get', path: '/chain', response: Named }),
    )
    const schemaOf = (path: string) =>
      document.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema
    expect(schemaOf('/tree')).toEqual({ $ref: '#/components/schemas/Schema_1' })
    expect(schemaOf('/tree2')).toEqual({ $ref: '#/components/schemas/Schema_1' })
    expect(schemaOf('/chain')).toEqual({ $ref: '#/components/schemas/Chain' })
    const components = document.components?.schemas ?? {}
    expect(Object.keys(components)).toEqual(['Chain', 'Schema_1'])
    for (const ref of refs(document)) expect(components).toHaveProperty([ref.split('/').pop()!])
  })

  it('documents the first of two routes with the same method and path, as Hono serves it', () => {
    const document = build(
      op({ method: 'get', path: '/a', operationId: 'first' }),
      op({ method: 'get', path: '/a', operationId: 'second' }),
    )
    expect(document.paths['/a']?.get?.operationId).toBe('first')
  })

  it('documents undeclared path parameters as strings', () => {
    const document = build(op({ method: 'get', path: '/users/:user/posts/:post' }))
    expect(document.paths['/users/{user}/posts/{post}']?.get?.parameters?.map((p) => p.name)).toEqual([
      'user',
      'post',
    ])
  })

  it('refuses two different schemas with one id, saying where', () => {
    const a = z.object({ a: z.string() }).meta({ id: 'Clash' })
    const b = z.object({ b: z.string() }).meta({ id: 'Clash' })
    expect(() =>
      build(op({ method: 'get', path: '/a', response: a }), op({ method: 'get', path: '/b', response: b })),
    ).toThrow(
      /two different Zod schemas share the id "Clash" \(the second one in the response model of GET \/b\)/,
    )
  })

  it('refuses a schema named like a component FastAPI reserves', () => {
    const mine = z.object({ field: z.string() }).meta({ id: 'ValidationError' })
    expect(() => build(op({ method: 'get', path: '/', response: mine, validates: true }))).toThrow(
      /"ValidationError" is claimed by the 422 responses and by schema "ValidationError"/,
    )
  })

  it('keeps servers and copies security schemes', () => {
    const schemes = { key: { type: 'apiKey', in: 'header', name: 'x-key' } }
    const document = createOpenAPIDocument(
      { ...info, servers: [{ url: 'https://api.example' }] },
      [],
      schemes,
    )
    expect(document.servers).toEqual([{ url: 'https://api.example' }])
    expect(document.components).toEqual({ securitySchemes: schemes })
    expect(document.components?.securitySchemes).not.toBe(schemes)
  })
})
